package dev.zinc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the adapter finds libzinc_core.so: ZINC_LIB, -Dzinc.lib, the repo build, java.library.path. */
class LibraryPathTest {
    static Path lib() {
        return Paths.get(Native.SOURCE).toAbsolutePath();
    }

    static TestSupport.Proc run(Map<String, String> env, List<String> jvmArgs, Path dir) throws Exception {
        return TestSupport.Proc.start(TestSupport.childCommand(System.getProperty("java.class.path"), jvmArgs, "lib-source"), env, dir);
    }

    static Map<String, String> env(String zincLib) {
        Map<String, String> m = new HashMap<>();
        m.put("ZINC_LIB", zincLib);
        return m;
    }

    @Test
    void zincLibEnvWins() throws Exception {
        assertTrue(Files.isRegularFile(lib()), "this JVM loaded a real file: " + Native.SOURCE);
        try (TestSupport.Proc c = run(env(lib().toString()), List.of("-Dzinc.lib=/nonexistent/libzinc_core.so"), null)) {
            assertEquals("SOURCE " + lib(), c.line(), c.stderr());
        }
    }

    @Test
    void aMissingExplicitLibraryFailsClearly() throws Exception {
        try (TestSupport.Proc c = run(env("/nonexistent/libzinc_core.so"), List.of(), null)) {
            assertNotEquals(0, c.waitExit());
            String err = c.stderr();
            assertTrue(err.contains("ZINC_LIB") && err.contains("/nonexistent/libzinc_core.so"), err);
            assertTrue(err.contains("UnsatisfiedLinkError"), err);
        }
    }

    @Test
    void systemPropertyWhenNoEnv() throws Exception {
        Path copy = Files.createTempDirectory("zinc-lib").resolve("libzinc_core.so");
        Files.copy(lib(), copy);
        try (TestSupport.Proc c = run(env(null), List.of("-Dzinc.lib=" + copy), null)) {
            assertEquals("SOURCE " + copy, c.line(), c.stderr());
        } finally {
            Files.delete(copy);
            Files.delete(copy.getParent());
        }
    }

    @Test
    void repositoryBuildFoundFromTheClassLocation() throws Exception {
        // class folder: adapters/java/target/classes -> parents -> <repo>/target/release/
        Path repoLib = Paths.get("").toAbsolutePath().getParent().getParent().resolve("target/release/libzinc_core.so");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(repoLib), "no repository build at " + repoLib);
        Path elsewhere = Files.createTempDirectory("zinc-cwd");
        try (TestSupport.Proc c = run(env(null), List.of(), elsewhere)) {
            String line = c.line();
            assertTrue(line.startsWith("SOURCE /"), line + c.stderr());
            assertEquals(repoLib.toRealPath(), Paths.get(line.substring(7)).toRealPath());
        } finally {
            Files.delete(elsewhere);
        }
    }

    @Test
    void javaLibraryPathAsTheLastResort() throws Exception {
        // a copy of the JDK-independent class files outside the repository, started from /tmp
        Path dir = Files.createTempDirectory("zinc-jlp");
        Path classes = Files.createDirectories(dir.resolve("classes/dev/zinc"));
        Path libDir = Files.createDirectories(dir.resolve("lib"));
        try {
            Path mainClasses = locate("Native.class").getParent();
            try (var s = Files.list(mainClasses)) {
                for (Path f : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                    Files.copy(f, classes.resolve(f.getFileName().toString()));
                }
            }
            Files.copy(locate("Child.class"), classes.resolve("Child.class"));
            Files.copy(lib(), libDir.resolve(System.mapLibraryName("zinc_core")));
            List<String> cmd = TestSupport.childCommand(dir.resolve("classes").toString(),
                    List.of("-Djava.library.path=" + libDir), "lib-source");
            try (TestSupport.Proc c = TestSupport.Proc.start(cmd, env(null), dir)) {
                assertEquals("SOURCE java.library.path:" + System.mapLibraryName("zinc_core"), c.line(), c.stderr());
            }
            cmd = TestSupport.childCommand(dir.resolve("classes").toString(), List.of(), "lib-source");
            try (TestSupport.Proc c = TestSupport.Proc.start(cmd, env(null), dir)) {
                assertNotEquals(0, c.waitExit());
                String err = c.stderr();
                assertTrue(err.contains("cannot find the Zinc core library") && err.contains("ZINC_LIB"), err);
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Path locate(String classFile) throws Exception {
        for (String part : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Paths.get(part, "dev", "zinc", classFile);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError(classFile + " not on the class path");
    }
}
