package dev.zinc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A named Zinc shared-memory region: bytes that several processes, in any language, map at
 * once. Thin wrapper over the core's C ABI through the FFM API; all validation, lifecycle and
 * synchronisation happen in the core.
 *
 * <pre>{@code
 * try (SharedRegion r = SharedRegion.create("frames", 1 << 20)) {
 *     r.segment().set(ValueLayout.JAVA_INT, 0, 42);   // zero-copy write
 *     r.signal();                                      // wake every waiter
 * }
 * }</pre>
 *
 * <h2>View lifetime (views cannot outlive the region)</h2>
 * Every view ({@link #segment()}, {@link #buffer()}, {@link #buffer(long, int)}, and any slice
 * or {@code ByteBuffer} made from them) belongs to a private <em>shared</em> {@link Arena}.
 * {@link #close()} closes that arena, and closing the arena is what runs {@code zinc_close}
 * (unmapping the region). From then on every access through any view throws
 * {@link IllegalStateException} instead of touching unmapped memory; the JDK guarantees this
 * even for threads that are reading or writing a view at the very moment of the close. Views
 * never keep the region open: closing is never refused because views exist.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. The handle is itself an arena-bound segment, so every native
 * call on it ({@code zinc_notify}, {@code zinc_wait}, ...) holds the arena open for its
 * duration: a call after close fails with {@code IllegalStateException}, and a close that
 * races with an in-flight call waits for it instead of freeing the handle under it. Because a
 * {@code zinc_wait} downcall cannot be interrupted, {@link #await(long)} waits in slices of at
 * most {@value #WAIT_SLICE_MS} ms and checks between slices whether the region is being
 * closed: {@code close()} from another thread therefore returns within about one slice, and
 * the awaiting thread gets an {@link IllegalStateException}. (Slicing loses no notification:
 * each slice compares against the handle's last seen counter, which only a successful wait
 * advances.) Concurrent {@code await} calls on one handle share its "last seen" counter: one
 * notification wakes them all, but a later {@code await} on the same handle only reports
 * notifications it has not yet seen through that handle; open one handle per consumer if each
 * needs to see every notification.
 *
 * <p>A region that is never closed stays mapped until the process exits; the core's
 * crash-safety (kernel locks) then counts it as closed.
 */
@SuppressWarnings("restricted") // sizes the core's pointers to the region (reinterpret)
public final class SharedRegion implements AutoCloseable {
    /** {@link #await(long)} timeout meaning "wait until notified". */
    public static final long FOREVER = Long.MAX_VALUE;
    /** The longest single {@code zinc_wait} downcall {@link #await(long)} makes, in ms. */
    public static final int WAIT_SLICE_MS = 50;

    private static final int ZINC_ETIMEDOUT = -110;

    private final String name;
    private final boolean creator;
    private final long capacity;
    private final Arena arena;
    /** The ZincHandle as a zero-length segment of {@link #arena}; closing the arena closes it. */
    private final MemorySegment handle;
    /** The data area, {@code capacity} bytes, bound to {@link #arena}. */
    private final MemorySegment data;
    private final Object closeLock = new Object();
    private volatile boolean closing;

    private SharedRegion(String name, boolean creator, MemorySegment rawHandle) {
        this.name = name;
        this.creator = creator;
        Arena a = Arena.ofShared();
        MemorySegment h;
        try {
            h = rawHandle.reinterpret(a, SharedRegion::closeRaw);
        } catch (RuntimeException | Error e) {
            a.close();
            closeRaw(rawHandle);
            throw e;
        }
        try {
            MemorySegment p = (MemorySegment) Native.PTR.invokeExact(h);
            long cap = (long) Native.CAPACITY.invokeExact(h);
            if (p.equals(MemorySegment.NULL) || cap <= 0) {
                throw new IllegalStateException("zinc: the core returned no data area for '" + name + "'");
            }
            this.capacity = cap;
            this.data = p.reinterpret(cap, a, null);
        } catch (Throwable t) {
            a.close(); // runs zinc_close
            throw Native.rethrow(t);
        }
        this.arena = a;
        this.handle = h;
    }

    private static void closeRaw(MemorySegment h) {
        try {
            Native.CLOSE.invokeExact(h);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Creates a new region of {@code capacity} usable bytes (> 0, a multiple of the page size)
     * named {@code name} ({@code [A-Za-z0-9_-]{1,250}}); this handle owns it.
     *
     * @throws ZincException.AlreadyExists if a live region has that name
     * @throws ZincException.Invalid for a bad name or capacity
     * @throws ZincException for any other failure (e.g. code -28 when /dev/shm is full)
     */
    public static SharedRegion create(String name, long capacity) {
        Objects.requireNonNull(name, "name");
        String ctx = "create '" + name + "'";
        // A C string stops at the first NUL, and uintptr_t has no negative values: such Java
        // arguments have no C equivalent, so they get the core's own "invalid" error.
        if (name.indexOf('\0') >= 0 || capacity < 0) {
            throw ZincException.of(-22, ctx);
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cname = tmp.allocateFrom(name);
            MemorySegment out = tmp.allocate(ValueLayout.ADDRESS);
            int rc = (int) Native.CREATE.invokeExact(cname, capacity, out);
            if (rc != 0) {
                throw ZincException.of(rc, ctx);
            }
            return new SharedRegion(name, true, out.get(ValueLayout.ADDRESS, 0));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Opens an existing live region.
     *
     * @throws ZincException.NotFound if no live region has that name
     * @throws ZincException.Corrupted if the object is not a valid Zinc region
     * @throws ZincException.PermissionDenied if the OS refuses access
     * @throws ZincException.Invalid for a bad name
     */
    public static SharedRegion open(String name) {
        Objects.requireNonNull(name, "name");
        String ctx = "open '" + name + "'";
        if (name.indexOf('\0') >= 0) {
            throw ZincException.of(-22, ctx);
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cname = tmp.allocateFrom(name);
            MemorySegment out = tmp.allocate(ValueLayout.ADDRESS);
            int rc = (int) Native.OPEN.invokeExact(cname, out);
            if (rc != 0) {
                throw ZincException.of(rc, ctx);
            }
            return new SharedRegion(name, false, out.get(ValueLayout.ADDRESS, 0));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The region's name, as given to create/open. */
    public String name() {
        return name;
    }

    /** True for the handle that created (and so owns) the region. */
    public boolean isCreator() {
        return creator;
    }

    /** True once {@link #close()} has started. */
    public boolean isClosed() {
        return closing;
    }

    /** Usable bytes of the data area. @throws IllegalStateException after close */
    public long capacity() {
        ensureOpen();
        return capacity;
    }

    /**
     * The whole data area as a zero-copy segment of {@link #capacity()} bytes. It is bound to
     * this region: after {@link #close()} every access throws {@link IllegalStateException}.
     * Multi-byte accessors use the layout's byte order (native for {@code ValueLayout.JAVA_*}).
     */
    public MemorySegment segment() {
        ensureOpen();
        return data;
    }

    /**
     * The whole data area as a direct {@link ByteBuffer} in <b>native</b> byte order (Zinc is
     * shared with C, Rust, Python..., which use native order; call {@code order(...)} to
     * change). Invalidated by {@link #close()} like {@link #segment()}.
     *
     * @throws UnsupportedOperationException if the capacity is 2 GiB or more (ByteBuffer's
     *         int indexes stop below 2 GiB): use {@link #segment()} or {@link #buffer(long, int)}
     */
    public ByteBuffer buffer() {
        ensureOpen();
        if (capacity > Integer.MAX_VALUE) {
            throw new UnsupportedOperationException("zinc: region '" + name + "' holds " + capacity
                    + " bytes, more than a ByteBuffer can view (< 2 GiB); use segment() or buffer(offset, length)");
        }
        return data.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * A window {@code [offset, offset + length)} of the data area as a direct, native-order
     * {@link ByteBuffer}; works at any offset of regions of any size.
     *
     * @throws IndexOutOfBoundsException if the window is not inside the data area
     */
    public ByteBuffer buffer(long offset, int length) {
        ensureOpen();
        return data.asSlice(offset, length).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * Signals "data changed" to every waiter on this region, in every process
     * ({@code zinc_notify}; named so because {@code Object.notify} is final). Notifications
     * coalesce.
     *
     * @throws IllegalStateException after close
     */
    public void signal() {
        try {
            Native.NOTIFY.invokeExact(handle);
        } catch (IllegalStateException e) {
            throw closedError(e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@link #await(long)} with no timeout. */
    public boolean await() {
        return await(FOREVER);
    }

    /**
     * Waits until the region's notification counter moves past the last value this handle
     * saw, or the timeout expires ({@code zinc_wait}; named so because {@code Object.wait} is
     * final). Returns at once if a notification arrived since this handle's last successful
     * await (or since open).
     *
     * @param timeoutMs 0 polls; {@link #FOREVER} (or any value >= 2^32-1) waits until notified
     * @return true if notified, false if the timeout expired, or if the thread was interrupted
     *         (its interrupt status stays set; noticed within {@value #WAIT_SLICE_MS} ms)
     * @throws IllegalStateException if the region is or gets closed (by any thread)
     * @throws IllegalArgumentException if {@code timeoutMs < 0}
     */
    public boolean await(long timeoutMs) {
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("zinc: negative timeout " + timeoutMs + " ms");
        }
        boolean forever = timeoutMs >= 0xFFFF_FFFFL;
        long deadline = forever ? 0 : System.nanoTime() + timeoutMs * 1_000_000L;
        long slice = Math.min(timeoutMs, WAIT_SLICE_MS);
        while (true) {
            if (closing) {
                throw closedError(null);
            }
            int rc;
            try {
                rc = (int) Native.WAIT.invokeExact(handle, (int) slice);
            } catch (IllegalStateException e) {
                throw closedError(e);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            if (rc == 0) {
                return true;
            }
            if (rc != ZINC_ETIMEDOUT) {
                throw ZincException.of(rc, "await on '" + name + "'");
            }
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (!forever) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                slice = Math.min(WAIT_SLICE_MS, (left + 999_999L) / 1_000_000L);
            }
        }
    }

    /**
     * Like {@link #await(long)}, but a timeout throws {@link ZincException.TimedOut} (code -110,
     * the core's message) instead of returning false.
     */
    public void awaitOrThrow(long timeoutMs) {
        if (!await(timeoutMs)) {
            throw ZincException.of(ZINC_ETIMEDOUT, "await on '" + name + "'");
        }
    }

    /**
     * Closes this handle: invalidates every view (later accesses throw
     * {@link IllegalStateException}), then {@code zinc_close} unmaps the region; the creator's
     * close (or the last handle's, whichever is later) removes the name. Idempotent, as
     * {@link java.io.Closeable} asks: a second close does nothing. If another thread is inside
     * a native call on this region ({@link #await(long)}, or the user's own downcall or NIO
     * I/O on a view), close waits for that call to end: at most one await slice for
     * {@code await}, which then throws {@code IllegalStateException}.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closing && !arena.scope().isAlive()) {
                return;
            }
            closing = true;
            while (true) {
                try {
                    arena.close(); // runs zinc_close through the handle's cleanup action
                    return;
                } catch (IllegalStateException busy) {
                    // A downcall still holds the arena (an await slice, a signal, or the
                    // user's own native I/O on a view): let it finish, then try again.
                    if (!arena.scope().isAlive()) {
                        return;
                    }
                    Thread.onSpinWait();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        // keep going: a half-closed region is worse than a late interrupt
                        Thread.yield();
                    }
                }
            }
        }
    }

    /** The arena-bound handle segment (package-private: tests and the benchmark). */
    MemorySegment nativeHandle() {
        return handle;
    }

    private void ensureOpen() {
        if (closing) {
            throw closedError(null);
        }
    }

    private IllegalStateException closedError(IllegalStateException cause) {
        if (cause != null && !closing && arena.scope().isAlive()) {
            return cause; // not about our lifetime: do not disguise it
        }
        IllegalStateException e = new IllegalStateException("zinc: region '" + name + "' is closed");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    @Override
    public String toString() {
        return "SharedRegion[" + name + (creator ? ", creator" : "") + (closing ? ", closed" : ", capacity=" + capacity) + "]";
    }
}
