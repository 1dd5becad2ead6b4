package dev.zinc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds and loads {@code libzinc_core.so} in the order of docs/ADAPTER_CONTRACT.md §2:
 * {@code ZINC_LIB}; a {@code -Djava.library.path} given on the command line; the copy inside
 * this jar (extracted to a private temp file); the system loader by name. Nothing else: never
 * the working directory or a build checkout.
 */
@SuppressWarnings("restricted") // loading native code is this class's job
final class NativeLoader {
    private NativeLoader() {}

    static final String FILE = "libzinc_core.so";
    static final String RESOURCE = "/dev/zinc/native/" + platform() + "/" + FILE;

    record Loaded(SymbolLookup lookup, String source) {}

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replace(" ", "");
        String arch = System.getProperty("os.arch", "");
        return os + "-" + (arch.equals("amd64") ? "x86_64" : arch);
    }

    static Loaded load() {
        List<String> tried = new ArrayList<>();
        String env = System.getenv("ZINC_LIB");
        if (env != null && !env.isEmpty()) { // explicit: no fallback, so a typo never loads another copy
            return open(Path.of(env), "ZINC_LIB=" + env);
        }
        tried.add("ZINC_LIB (not set)");
        String jlp = System.getProperty("java.library.path", "");
        Path inJlp = null;
        for (String dir : jlp.split(File.pathSeparator)) {
            if (!dir.isEmpty() && inJlp == null && Files.isRegularFile(Path.of(dir, FILE))) {
                inJlp = Path.of(dir, FILE).toAbsolutePath();
            }
        }
        if (inJlp != null && libraryPathIsExplicit()) {
            return open(inJlp, "-Djava.library.path: " + inJlp);
        }
        tried.add("-Djava.library.path (" + (inJlp == null ? "no " + FILE + " in " + jlp : "not given on the command line") + ")");
        try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                tried.add("this jar's " + RESOURCE + " (not in it)");
            } else {
                return extractAndOpen(in);
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            tried.add("this jar's " + RESOURCE + " (" + e.getMessage() + ")");
        }
        for (String name : List.of(FILE + ".0", FILE)) {
            try {
                return new Loaded(SymbolLookup.libraryLookup(name, Arena.global()), "system loader: " + name);
            } catch (IllegalArgumentException e) {
                tried.add("the system loader's " + name + " (" + e.getMessage() + ")");
            }
        }
        throw new UnsatisfiedLinkError("zinc: cannot load " + FILE + "; tried, in order: " + String.join("; ", tried));
    }

    /** True when {@code -Djava.library.path} was given to this JVM (not the JDK's default). */
    private static boolean libraryPathIsExplicit() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .anyMatch(a -> a.startsWith("-Djava.library.path="));
        } catch (LinkageError | RuntimeException e) {
            return false; // a runtime image without java.management: only the default exists
        }
    }

    private static Loaded open(Path p, String source) {
        try {
            return new Loaded(SymbolLookup.libraryLookup(p.toAbsolutePath(), Arena.global()), source);
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new UnsatisfiedLinkError("zinc: cannot load " + FILE + " from " + source + ": " + e.getMessage());
        }
    }

    /**
     * Copies the bundled library into a fresh directory only this user can enter (0700), as a
     * read+execute-only file (0500), checks both before loading, and deletes both once loaded
     * (the mapping stays valid), like JNA: nothing is left behind, even after a crash.
     */
    private static Loaded extractAndOpen(InputStream in) throws IOException {
        Path dir = Files.createTempDirectory("zinc-native-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve(FILE);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(out);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
            checkPrivate(dir, "rwx------");
            checkPrivate(file, "r-x------");
            return open(file, "this jar's " + RESOURCE + " (extracted to " + file + ", deleted once loaded)");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** Fails unless {@code p} is no symlink, belongs to this process's user, and has exactly {@code perms}. */
    static void checkPrivate(Path p, String perms) throws IOException {
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String got = PosixFilePermissions.toString(a.permissions());
        if (a.isSymbolicLink() || owner != me || !got.equals(perms)) {
            throw new IOException("refusing " + p + ": owner uid " + owner + " (want " + me + "), mode " + got
                    + " (want " + perms + ")" + (a.isSymbolicLink() ? ", a symbolic link" : ""));
        }
    }
}
