package dev.zinc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/ADAPTER_CONTRACT.md §2, in child JVMs: ZINC_LIB (no fallback), then an explicit
 * -Djava.library.path, then the jar's own copy (extracted privately, deleted once loaded), then
 * the system loader; never the working directory; a clear error listing every place tried, on
 * every use.
 */
class LibraryPathTest {
    static Path tmp;
    /** A copy of the library class files without the bundled libzinc_core.so. */
    static String bareClassPath;
    static Path libDir;

    static Path lib() {
        String env = System.getenv("ZINC_LIB");
        org.junit.jupiter.api.Assumptions.assumeTrue(env != null && Files.isRegularFile(Path.of(env)), "ZINC_LIB names the core (make test-java sets it)");
        return Path.of(env);
    }

    @BeforeAll
    static void setUp() throws IOException {
        tmp = Files.createTempDirectory("zinc-libpath");
        Path classes = Paths.get(System.getProperty("zinc.test.classes", "target/classes"));
        Path bare = Files.createDirectories(tmp.resolve("classes/dev/zinc"));
        try (var s = Files.list(classes.resolve("dev/zinc"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                Files.copy(f, bare.resolve(f.getFileName()));
            }
        }
        bareClassPath = tmp.resolve("classes") + File.pathSeparator + System.getProperty("zinc.test.testClasses", "target/test-classes");
        libDir = Files.createDirectories(tmp.resolve("lib"));
        Files.copy(lib(), libDir.resolve("libzinc_core.so"));
        Files.copy(lib(), libDir.resolve("libzinc_core.so.0"));
    }

    @AfterAll
    static void tearDown() throws IOException {
        try (var s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs Child CMD with ZINC_LIB and LD_LIBRARY_PATH replaced (null: unset); its stdout lines. */
    static List<String> child(String classPath, String zincLib, String ldPath, List<String> jvmArgs, Path cwd, String cmd) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("ZINC_LIB", zincLib);
        env.put("LD_LIBRARY_PATH", ldPath);
        try (TestSupport.Proc c = TestSupport.Proc.start(TestSupport.childCommand(classPath, jvmArgs, cmd), env, cwd)) {
            List<String> lines = c.out.lines().toList();
            assertEquals(0, c.waitExit(), c.stderr());
            return lines;
        }
    }

    static String fullClassPath() {
        return System.getProperty("java.class.path");
    }

    @Test
    void zincLibWinsOverEverything() throws Exception {
        List<String> out = child(fullClassPath(), lib().toString(), libDir.toString(), List.of("-Djava.library.path=" + libDir), null, "lib-source");
        assertEquals(List.of("SOURCE ZINC_LIB=" + lib()), out);
    }

    @Test
    void aZincLibThatDoesNotLoadIsAnErrorWithoutFallbackOnEveryUse() throws Exception {
        List<String> out = child(fullClassPath(), "/nonexistent/libzinc_core.so", libDir.toString(), List.of("-Djava.library.path=" + libDir), null, "lib-missing");
        assertEquals(2, out.size(), out.toString());
        for (String l : out) { // the second use gets the same error, not NoClassDefFoundError
            assertTrue(l.startsWith("java.lang.UnsatisfiedLinkError: zinc: cannot load libzinc_core.so from ZINC_LIB=/nonexistent/libzinc_core.so"), l);
        }
    }

    @Test
    void anExplicitJavaLibraryPathBeatsTheBundledCopy() throws Exception {
        List<String> out = child(fullClassPath(), null, null, List.of("-Djava.library.path=/nonexistent" + File.pathSeparator + libDir), null, "lib-source");
        assertEquals(List.of("SOURCE -Djava.library.path: " + libDir.resolve("libzinc_core.so")), out);
    }

    @Test
    void theBundledCopyIsExtractedPrivatelyAndDeletedOnceLoaded() throws Exception {
        // LD_LIBRARY_PATH (the system loader's path, also the JDK's default java.library.path)
        // holds a copy too: the jar's own copy still comes first.
        List<String> out = child(fullClassPath(), null, libDir.toString(), List.of(), null, "lib-source");
        assertEquals(1, out.size(), out.toString());
        String prefix = "SOURCE this jar's " + NativeLoader.RESOURCE + " (extracted to ";
        assertTrue(out.get(0).startsWith(prefix), out.get(0));
        Path extracted = Path.of(out.get(0).substring(prefix.length()).replaceFirst(", deleted once loaded\\)$", ""));
        assertTrue(extracted.getParent().getFileName().toString().startsWith("zinc-native-"), extracted.toString());
        assertFalse(Files.exists(extracted.getParent()), "the private copy is gone: " + extracted);
    }

    @Test
    void theSystemLoaderLast() throws Exception {
        List<String> out = child(bareClassPath, null, libDir.toString(), List.of(), null, "lib-source");
        assertEquals(List.of("SOURCE system loader: libzinc_core.so.0"), out);
    }

    @Test
    void nothingFoundListsEveryPlaceAndNeverLooksInTheWorkingDirectory() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(systemHasZinc(), "a libzinc_core.so is installed system-wide");
        // a working directory that holds the library, also as target/release/ (the old walk-up search)
        Path cwd = Files.createDirectories(tmp.resolve("cwd/target/release")).getParent().getParent();
        Files.copy(lib(), cwd.resolve("libzinc_core.so"));
        Files.copy(lib(), cwd.resolve("target/release/libzinc_core.so"));
        List<String> out = child(bareClassPath, null, null, List.of(), cwd.resolve("target"), "lib-missing");
        assertEquals(2, out.size(), out.toString());
        for (String l : out) {
            assertTrue(l.startsWith("java.lang.UnsatisfiedLinkError: zinc: cannot load libzinc_core.so; tried, in order: ZINC_LIB (not set); "
                    + "-Djava.library.path (no libzinc_core.so in "), l);
            assertTrue(l.contains("this jar's " + NativeLoader.RESOURCE + " (not in it); the system loader's libzinc_core.so.0 (")
                    && l.contains("the system loader's libzinc_core.so ("), l);
        }
    }

    @Test
    void theExtractedCopyMustBePrivate() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "check");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        NativeLoader.checkPrivate(dir, "rwx------");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException e = assertThrows(IOException.class, () -> NativeLoader.checkPrivate(dir, "rwx------"));
        assertTrue(e.getMessage().contains("mode rwxr-xr-x"), e.getMessage());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertThrows(IOException.class, () -> NativeLoader.checkPrivate(link, "rwx------"));
    }

    static boolean systemHasZinc() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "ldconfig -p | grep -q libzinc_core").start();
        return p.waitFor() == 0;
    }
}
