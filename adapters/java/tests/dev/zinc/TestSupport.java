package dev.zinc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Shared helpers: unique region names, /dev/shm leak checks, child JVMs. */
final class TestSupport {
    private TestSupport() {}

    static final long PID = ProcessHandle.current().pid();
    static final String PREFIX = "t_java_" + PID + "_";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static final Path SHM = Paths.get("/dev/shm");

    /** A region name unique to this JVM and call: t_java_<pid>_<counter>. */
    static String uniqueName() {
        return PREFIX + COUNTER.incrementAndGet();
    }

    static Path shmPath(String name) {
        return SHM.resolve("zinc_" + name);
    }

    /** The Zinc objects this JVM's tests left in /dev/shm. */
    static List<String> leftovers() {
        try (Stream<Path> s = Files.list(SHM)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("zinc_" + PREFIX)).sorted().toList();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static void assertNoLeaks() {
        assertEquals(List.of(), leftovers(), "Zinc objects left in /dev/shm");
    }

    /** tests/matrix/README.md's pattern(seed, i). */
    static int pattern(int seed, long i) {
        int k = (int) i;
        return ((k ^ (k >>> 8) ^ (k >>> 16)) + seed) & 0xFF;
    }

    static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String jvmFlags() {
        return System.getProperty("zinc.test.jvmFlags", "--enable-native-access=ALL-UNNAMED");
    }

    /** Command line of a child JVM running {@link Child} with the given arguments. */
    static List<String> childCommand(String classPath, List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.add(jvmFlags());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("dev.zinc.Child");
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Proc child(String... args) throws IOException {
        return Proc.start(new ProcessBuilder(childCommand(System.getProperty("java.class.path"), List.of(), args)));
    }

    /** A child process with line-oriented stdin/stdout; stderr is collected. */
    static final class Proc implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final Writer in;
        final StringBuilder err = new StringBuilder();
        private final Thread errPump;

        private Proc(Process p) {
            this.process = p;
            this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            this.errPump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        synchronized (err) {
                            err.append(l).append('\n');
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            });
            errPump.setDaemon(true);
            errPump.start();
        }

        static Proc start(ProcessBuilder pb) throws IOException {
            return new Proc(pb.start());
        }

        static Proc start(List<String> cmd, Map<String, String> envChanges, Path dir) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            for (var e : envChanges.entrySet()) {
                if (e.getValue() == null) {
                    pb.environment().remove(e.getKey());
                } else {
                    pb.environment().put(e.getKey(), e.getValue());
                }
            }
            return new Proc(pb.start());
        }

        /** The next stdout line (fails the test if the child ends first). */
        String line() throws IOException {
            String l = out.readLine();
            if (l == null) {
                throw new AssertionError("child ended without output; exit=" + waitExit() + ", stderr:\n" + stderr());
            }
            return l;
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        /** What the child wrote to stderr so far (all of it once the child has exited). */
        String stderr() {
            try {
                if (!process.isAlive()) {
                    errPump.join(2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (err) {
                return err.toString();
            }
        }

        int waitExit() {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("child did not exit");
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
