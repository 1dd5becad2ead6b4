package dev.zinc;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The eight functions of {@code include/zinc.h} as FFM downcall handles, bound when the class
 * is first used (library search: {@link NativeLoader}). Package-private: users go through
 * {@link SharedRegion}. A library that cannot be loaded leaves the handles null and every
 * {@link #ensureLoaded()} throws a fresh {@link UnsatisfiedLinkError} saying what was tried.
 */
@SuppressWarnings("restricted") // binding native code is this class's job
final class Native {
    private Native() {}

    // Layouts named after the C types, so the declaration table says what the header says.
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT.withName("int32_t");
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withName("uint32_t");
    static final ValueLayout.OfLong USIZE = ValueLayout.JAVA_LONG.withName("uintptr_t"); // 64-bit platforms only
    static final AddressLayout PTR = ValueLayout.ADDRESS.withName("pointer");

    /** The C ABI as this adapter declares it, in the header's order. */
    static final Map<String, FunctionDescriptor> FUNCTIONS = new LinkedHashMap<>();

    static {
        FUNCTIONS.put("zinc_create", FunctionDescriptor.of(I32, PTR, USIZE, PTR));
        FUNCTIONS.put("zinc_open", FunctionDescriptor.of(I32, PTR, PTR));
        FUNCTIONS.put("zinc_ptr", FunctionDescriptor.of(PTR, PTR));
        FUNCTIONS.put("zinc_capacity", FunctionDescriptor.of(USIZE, PTR));
        FUNCTIONS.put("zinc_close", FunctionDescriptor.ofVoid(PTR));
        FUNCTIONS.put("zinc_notify", FunctionDescriptor.ofVoid(PTR));
        FUNCTIONS.put("zinc_wait", FunctionDescriptor.of(I32, PTR, U32));
        FUNCTIONS.put("zinc_strerror", FunctionDescriptor.of(PTR, I32));
    }

    static final MethodHandle CREATE, OPEN, PTR_OF, CAPACITY, CLOSE, NOTIFY, WAIT, STRERROR;
    /** Where the library came from, or null when it could not be loaded. */
    static final String SOURCE;
    private static final UnsatisfiedLinkError FAILURE;

    static {
        Map<String, MethodHandle> h = new LinkedHashMap<>();
        String source = null;
        UnsatisfiedLinkError failure = null;
        try {
            NativeLoader.Loaded lib = NativeLoader.load();
            for (var f : FUNCTIONS.entrySet()) {
                MemorySegment sym = lib.lookup().find(f.getKey()).orElseThrow(() -> new UnsatisfiedLinkError(
                        "zinc: " + lib.source() + " has no symbol " + f.getKey() + " (an older libzinc_core.so?)"));
                h.put(f.getKey(), Linker.nativeLinker().downcallHandle(sym, f.getValue()));
            }
            source = lib.source();
        } catch (UnsatisfiedLinkError e) {
            failure = e;
        } catch (RuntimeException e) { // e.g. IllegalCallerException: native access denied to this module
            failure = new UnsatisfiedLinkError("zinc: cannot load " + NativeLoader.FILE + ": " + e);
            failure.initCause(e);
        }
        CREATE = h.get("zinc_create");
        OPEN = h.get("zinc_open");
        PTR_OF = h.get("zinc_ptr");
        CAPACITY = h.get("zinc_capacity");
        CLOSE = h.get("zinc_close");
        NOTIFY = h.get("zinc_notify");
        WAIT = h.get("zinc_wait");
        STRERROR = h.get("zinc_strerror");
        SOURCE = failure == null ? source : null;
        FAILURE = failure;
    }

    /** Throws (a new error each time, never NoClassDefFoundError) when the library did not load. */
    static void ensureLoaded() {
        if (FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(FAILURE.getMessage());
            e.initCause(FAILURE);
            throw e;
        }
    }

    /** {@code zinc_strerror(code)}: the core's static message for any code. */
    static String strerror(int code) {
        ensureLoaded();
        try {
            return ((MemorySegment) STRERROR.invokeExact(code)).reinterpret(Long.MAX_VALUE).getString(0);
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
