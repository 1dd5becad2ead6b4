package dev.zinc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The eight functions of the Zinc C ABI ({@code include/zinc.h}) as FFM downcall handles.
 * Package-private: users go through {@link SharedRegion}. Loaded lazily on first use.
 *
 * <p>Library search order (first hit wins):
 * <ol>
 *   <li>the {@code ZINC_LIB} environment variable (an absolute path; must exist);</li>
 *   <li>the {@code zinc.lib} system property (a path; must exist);</li>
 *   <li>the repository's own build, {@code target/release/libzinc_core.so}, searched in the
 *       folder holding this jar (or class folder) and each of its parents, then in the working
 *       directory and each of its parents;</li>
 *   <li>{@code System.mapLibraryName("zinc_core")} on {@code java.library.path}
 *       ({@link System#loadLibrary}), the JDK's normal way.</li>
 * </ol>
 */
@SuppressWarnings("restricted") // binding native code is this class's job
final class Native {
    private Native() {}

    static final String LIB_NAME = "zinc_core";

    static final MethodHandle CREATE;
    static final MethodHandle OPEN;
    static final MethodHandle PTR;
    static final MethodHandle CAPACITY;
    static final MethodHandle CLOSE;
    static final MethodHandle NOTIFY;
    static final MethodHandle WAIT;
    static final MethodHandle STRERROR;
    /** Where the library was loaded from (a path, or {@code java.library.path:<name>}). */
    static final String SOURCE;

    /** uintptr_t: the platform's size_t layout (64-bit on every supported platform). */
    static final ValueLayout.OfLong UINTPTR;

    static {
        Linker linker = Linker.nativeLinker();
        MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
        if (!(sizeT instanceof ValueLayout.OfLong l)) {
            throw new UnsatisfiedLinkError("zinc: only 64-bit platforms are supported (size_t is " + sizeT + ")");
        }
        UINTPTR = l;
        String[] source = new String[1];
        SymbolLookup lookup = lookup(source);
        SOURCE = source[0];
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
        ValueLayout ptr = ValueLayout.ADDRESS;
        CREATE = bind(linker, lookup, "zinc_create", FunctionDescriptor.of(i32, ptr, UINTPTR, ptr));
        OPEN = bind(linker, lookup, "zinc_open", FunctionDescriptor.of(i32, ptr, ptr));
        PTR = bind(linker, lookup, "zinc_ptr", FunctionDescriptor.of(ptr, ptr));
        CAPACITY = bind(linker, lookup, "zinc_capacity", FunctionDescriptor.of(UINTPTR, ptr));
        CLOSE = bind(linker, lookup, "zinc_close", FunctionDescriptor.ofVoid(ptr));
        NOTIFY = bind(linker, lookup, "zinc_notify", FunctionDescriptor.ofVoid(ptr));
        WAIT = bind(linker, lookup, "zinc_wait", FunctionDescriptor.of(i32, ptr, i32));
        STRERROR = bind(linker, lookup, "zinc_strerror", FunctionDescriptor.of(ptr, i32));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd) {
        MemorySegment sym = lookup.find(name).orElseThrow(() ->
                new UnsatisfiedLinkError("zinc: symbol " + name + " not found in " + SOURCE));
        return linker.downcallHandle(sym, fd);
    }

    private static SymbolLookup lookup(String[] source) {
        String env = System.getenv("ZINC_LIB");
        if (env != null && !env.isEmpty()) {
            return explicit(Paths.get(env), "ZINC_LIB", source);
        }
        String prop = System.getProperty("zinc.lib");
        if (prop != null && !prop.isEmpty()) {
            return explicit(Paths.get(prop), "system property zinc.lib", source);
        }
        String file = System.mapLibraryName(LIB_NAME);
        for (Path start : searchStarts()) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path cand = dir.resolve("target").resolve("release").resolve(file);
                if (Files.isRegularFile(cand)) {
                    source[0] = cand.toString();
                    return SymbolLookup.libraryLookup(cand, Arena.global());
                }
            }
        }
        try {
            System.loadLibrary(LIB_NAME);
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError("zinc: cannot find the Zinc core library: set ZINC_LIB=/abs/path/"
                    + file + " (or -Dzinc.lib=...), build it in the repository (target/release/" + file
                    + "), or put " + file + " on java.library.path (" + System.getProperty("java.library.path") + ")");
            err.initCause(e);
            throw err;
        }
        source[0] = "java.library.path:" + file;
        return SymbolLookup.loaderLookup();
    }

    private static SymbolLookup explicit(Path p, String what, String[] source) {
        if (!Files.isRegularFile(p)) {
            throw new UnsatisfiedLinkError("zinc: " + what + " points to " + p + ", which does not exist");
        }
        source[0] = p.toAbsolutePath().toString();
        try {
            return SymbolLookup.libraryLookup(p.toAbsolutePath(), Arena.global());
        } catch (IllegalArgumentException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError("zinc: cannot load " + p + " (from " + what + "): " + e.getMessage());
            err.initCause(e);
            throw err;
        }
    }

    private static List<Path> searchStarts() {
        List<Path> starts = new ArrayList<>();
        try {
            var cs = Native.class.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                starts.add(Paths.get(cs.getLocation().toURI()).toAbsolutePath());
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException ignored) {
            // no usable code source (e.g. a custom class loader): only the working dir is searched
        }
        starts.add(Paths.get("").toAbsolutePath());
        return starts;
    }

    /** {@code zinc_strerror(code)}: the core's static message for any code. */
    static String strerror(int code) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(code);
            if (p.equals(MemorySegment.NULL)) {
                return "zinc error " + code; // the ABI promises never NULL; be safe anyway
            }
            return p.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("zinc: unexpected checked exception from a downcall", t);
    }
}
