package dev.zinc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The conformance agent (tests/matrix/README.md): {@code adapters/java/agent/zinc-agent serve}
 * reads one command per line from stdin and answers one line per message on stdout. Drives Zinc
 * only through {@link SharedRegion}, except {@code abi}, which prints the adapter's own tables
 * ({@link Zinc}'s constants, {@code Native}'s FFM declarations: hence this package).
 */
public final class Agent {
    private static final long WAIT_MS = 30_000;
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final BufferedReader in;
    private final PrintStream out;

    private Agent(BufferedReader in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 || !args[0].equals("serve")) {
            System.err.println("usage: zinc-agent serve   (commands on stdin, see tests/matrix/README.md)");
            System.exit(2);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        new Agent(in, out).serve();
        System.exit(0);
    }

    static int pattern(int seed, int i) {
        return ((i ^ (i >>> 8) ^ (i >>> 16)) + seed) & 0xFF;
    }

    static int reply(int seed, int i) {
        return 255 - pattern(seed, i);
    }

    private void say(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }

    private void serve() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 0 || w[0].isEmpty()) {
                continue;
            }
            try {
                switch (w[0]) {
                    case "quit" -> {
                        return;
                    }
                    case "writer" -> writer(w);
                    case "reader" -> reader(w);
                    case "checksum" -> checksum(w);
                    case "errors" -> errors();
                    case "abi" -> abi();
                    default -> say("FAIL unknown command: " + w[0]);
                }
            } catch (ZincException e) {
                say("FAIL " + e.code() + " " + e.getMessage());
            } catch (RuntimeException e) {
                say("FAIL " + e);
            }
        }
    }

    private static boolean noreply(String[] w, int idx) {
        return w.length > idx && w[idx].equals("noreply");
    }

    private void writer(String[] w) throws IOException {
        if (w.length < 4) {
            say("FAIL usage: writer NAME CAPACITY SEED [noreply]");
            return;
        }
        String name = w[1];
        long cap = Long.parseLong(w[2]);
        int seed = Integer.parseInt(w[3]);
        boolean noreply = noreply(w, 4);
        try (SharedRegion r = SharedRegion.create(name, cap)) {
            say("READY");
            String go = in.readLine(); // "GO" once every reader has opened
            if (go == null) {
                say("FAIL end of input before GO");
                return;
            }
            MemorySegment s = r.segment();
            long n = r.capacity();
            for (long i = 0; i < n; i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) pattern(seed, (int) i));
            }
            r.signal();
            if (!noreply) {
                // A handle sees its own signal() too (SPEC §6), so a wake-up is only a hint:
                // re-check the data after each one until the whole reply is there.
                long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
                String bad;
                do {
                    long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                    if (!r.await(left)) {
                        throw ZincException.of(-110);
                    }
                    bad = check(s, n, seed, true);
                } while (bad != null);
            }
        }
        say("PASS");
    }

    private void reader(String[] w) {
        if (w.length < 3) {
            say("FAIL usage: reader NAME SEED [noreply]");
            return;
        }
        String name = w[1];
        int seed = Integer.parseInt(w[2]);
        boolean noreply = noreply(w, 3);
        try (SharedRegion r = SharedRegion.open(name)) {
            say("OPENED");
            if (!r.await(WAIT_MS)) {
                throw ZincException.of(-110);
            }
            MemorySegment s = r.segment();
            long n = r.capacity();
            String bad = check(s, n, seed, false);
            if (bad != null) {
                say("FAIL " + bad);
                return;
            }
            if (!noreply) {
                for (long i = 0; i < n; i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, (byte) reply(seed, (int) i));
                }
                r.signal();
            }
        }
        say("PASS");
    }

    private static String check(MemorySegment s, long n, int seed, boolean wantReply) {
        for (long i = 0; i < n; i++) {
            int want = wantReply ? reply(seed, (int) i) : pattern(seed, (int) i);
            int got = s.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            if (got != want) {
                return (wantReply ? "reply" : "pattern") + " mismatch at byte " + i + ": got " + got + ", want " + want;
            }
        }
        return null;
    }

    private void checksum(String[] w) {
        if (w.length < 2) {
            say("FAIL usage: checksum NAME");
            return;
        }
        try (SharedRegion r = SharedRegion.open(w[1])) {
            say("OPENED");
            if (!r.await(WAIT_MS)) {
                throw ZincException.of(-110);
            }
            MemorySegment s = r.segment();
            long count = r.capacity() / 4;
            double sum = 0;
            for (long k = 0; k < count; k++) {
                sum += s.get(F32_LE, k * 4);
            }
            Instant now = Instant.now();
            long ns = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            say("CHECKSUM " + new java.math.BigDecimal(sum).toBigInteger() + " " + ns);
        }
    }

    private void errors() {
        long pid = ProcessHandle.current().pid();
        say("create_bad_name " + failure(() -> SharedRegion.create("bad/name", 4096)));
        say("create_bad_size " + failure(() -> SharedRegion.create("zinc_parity_" + pid, 1000)));
        say("open_missing " + failure(() -> SharedRegion.open("zinc_parity_missing_" + pid)));
        say("open_nul_name " + failure(() -> SharedRegion.open("zinc\0nul")));
        say("wait_closed " + failure(() -> {
            SharedRegion r = SharedRegion.create("zinc_parity_closed_" + pid, 4096);
            r.close();
            r.await(0);
        }));
        say("double_close " + failure(() -> {
            SharedRegion r = SharedRegion.create("zinc_parity_dc_" + pid, 4096);
            r.close();
            r.close();
        }));
        say("DONE");
    }

    /** {@code <code> <message>} of the ZincException {@code call} raises, or {@code 0 success}. */
    private static String failure(Runnable call) {
        try {
            call.run();
            return "0 success";
        } catch (ZincException e) {
            return e.code() + " " + e.getMessage();
        }
    }

    private void abi() {
        for (Field f : Zinc.class.getFields()) {
            try {
                say("const " + f.getName() + " " + f.get(null));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        for (int code : new int[] {-1, -2, -9, -11, -17, -22, -28, -74, -110}) {
            say("message " + code + " " + ZincException.of(code).getMessage());
        }
        Native.FUNCTIONS.forEach((name, fd) -> {
            StringBuilder line = new StringBuilder("fn " + name + " " + fd.returnLayout().map(Agent::ctype).orElse("void"));
            fd.argumentLayouts().forEach(l -> line.append(' ').append(ctype(l)));
            say(line.toString());
        });
        say("DONE");
    }

    /** A declared layout in the normalised names of check_bindings: i32 u32 usize ptr. */
    private static String ctype(MemoryLayout l) {
        if (l instanceof AddressLayout) {
            return "ptr";
        }
        return switch (l.name().orElse("")) {
            case "int32_t" -> "i32";
            case "uint32_t" -> "u32";
            case "uintptr_t" -> "usize";
            default -> "unknown:" + l;
        };
    }
}
