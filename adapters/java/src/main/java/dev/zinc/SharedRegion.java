package dev.zinc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

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
 * {@link #close()} first closes that arena, then calls {@code zinc_close}: from then on every
 * access through any view throws {@link IllegalStateException} instead of touching unmapped
 * memory (the JDK guarantees this even for a thread accessing a view during the close). Views
 * never keep the region open: closing is never refused because views exist.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. The core owns the handle's lifetime: a {@code close()} while
 * another thread is in {@link #await(long)} wakes that thread, which gets
 * {@link ZincException.Closed} (-9); after close, {@code await} and new views throw it,
 * {@link #signal()} and a second {@code close()} do nothing, {@link #capacity()} is 0.
 * Concurrent {@code await} calls on one handle share its "last seen" counter; open one handle
 * per consumer if each needs to see every notification.
 */
@SuppressWarnings("restricted") // sizes the core's pointer to the data area (reinterpret)
public final class SharedRegion implements AutoCloseable {
    /** {@link #await(long)} timeout meaning "wait until notified" ({@code ZINC_WAIT_FOREVER}). */
    public static final long FOREVER = Zinc.ZINC_WAIT_FOREVER;

    private final String name;
    private final boolean creator;
    /** The core's handle value (a generation-checked slot, not memory) as a plain address. */
    private final MemorySegment handle;
    private final Arena views = Arena.ofShared();
    /** The data area, {@code capacity} bytes, bound to {@link #views}. */
    private final MemorySegment data;

    private SharedRegion(String name, boolean creator, MemorySegment handle) {
        this.name = name;
        this.creator = creator;
        this.handle = handle;
        try {
            MemorySegment p = (MemorySegment) Native.PTR_OF.invokeExact(handle);
            long cap = (long) Native.CAPACITY.invokeExact(handle);
            this.data = p.reinterpret(cap, views, null);
        } catch (Throwable t) {
            close();
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
     * @throws UnsatisfiedLinkError if libzinc_core.so cannot be loaded (the message says where it looked)
     */
    public static SharedRegion create(String name, long capacity) {
        return call(name, capacity, true);
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
        return call(name, 0, false);
    }

    private static SharedRegion call(String name, long capacity, boolean create) {
        Objects.requireNonNull(name, "name");
        Native.ensureLoaded();
        // A C string stops at the first NUL, and uintptr_t has no negative values: such Java
        // arguments have no C equivalent, so they get the core's own "invalid" error.
        if (name.indexOf('\0') >= 0 || capacity < 0) {
            throw ZincException.of(Zinc.ZINC_EINVAL);
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cname = tmp.allocateFrom(name);
            MemorySegment out = tmp.allocate(ValueLayout.ADDRESS);
            int rc = create ? (int) Native.CREATE.invokeExact(cname, capacity, out) : (int) Native.OPEN.invokeExact(cname, out);
            if (rc != 0) {
                throw ZincException.of(rc);
            }
            return new SharedRegion(name, create, out.get(ValueLayout.ADDRESS, 0));
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
        return !views.scope().isAlive();
    }

    /** Usable bytes of the data area ({@code zinc_capacity}); 0 after close. */
    public long capacity() {
        try {
            return (long) Native.CAPACITY.invokeExact(handle);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * The whole data area as a zero-copy segment of {@link #capacity()} bytes. It is bound to
     * this region: after {@link #close()} every access throws {@link IllegalStateException}.
     * Multi-byte accessors use the layout's byte order (native for {@code ValueLayout.JAVA_*}).
     *
     * @throws ZincException.Closed after close
     */
    public MemorySegment segment() {
        if (isClosed()) {
            throw ZincException.of(Zinc.ZINC_EBADF);
        }
        return data;
    }

    /**
     * The whole data area as a direct {@link ByteBuffer} in <b>native</b> byte order (Zinc is
     * shared with C, Rust, Python..., which use native order). Invalidated by {@link #close()}.
     *
     * @throws UnsupportedOperationException if the capacity is 2 GiB or more (ByteBuffer's
     *         int indexes stop below 2 GiB): use {@link #segment()} or {@link #buffer(long, int)}
     * @throws ZincException.Closed after close
     */
    public ByteBuffer buffer() {
        MemorySegment s = segment();
        if (s.byteSize() > Integer.MAX_VALUE) {
            throw new UnsupportedOperationException("zinc: region '" + name + "' holds " + s.byteSize()
                    + " bytes, more than a ByteBuffer can view (< 2 GiB); use segment() or buffer(offset, length)");
        }
        return s.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * A window {@code [offset, offset + length)} of the data area as a direct, native-order
     * {@link ByteBuffer}; works at any offset of regions of any size.
     *
     * @throws IndexOutOfBoundsException if the window is not inside the data area
     * @throws ZincException.Closed after close
     */
    public ByteBuffer buffer(long offset, int length) {
        return segment().asSlice(offset, length).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * Signals "data changed" to every waiter on this region, in every process
     * ({@code zinc_notify}; {@code Object.notify} is final). Notifications coalesce. Does nothing
     * after close.
     */
    public void signal() {
        try {
            Native.NOTIFY.invokeExact(handle);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@link #await(long)} with no timeout. */
    public boolean await() {
        return await(FOREVER);
    }

    /**
     * Waits until the region's notification counter differs from the last value this handle
     * saw, or the timeout expires ({@code zinc_wait}; {@code Object.wait} is final). A handle
     * sees its own {@link #signal()} too: treat a wake-up as a hint and check the data.
     * One uninterruptible downcall: to stop a waiting thread, close the region.
     *
     * @param timeoutMs 0 polls; {@link #FOREVER} (or more) waits until notified
     * @return true if notified, false if the timeout expired
     * @throws ZincException.Closed if the region is closed, before or during the wait
     * @throws ZincException.Invalid if {@code timeoutMs < 0} (the C API has no such timeout)
     */
    public boolean await(long timeoutMs) {
        if (timeoutMs < 0) {
            throw ZincException.of(Zinc.ZINC_EINVAL);
        }
        int rc;
        try {
            rc = (int) Native.WAIT.invokeExact(handle, (int) Math.min(timeoutMs, FOREVER));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc == Zinc.ZINC_OK || rc == Zinc.ZINC_ETIMEDOUT) {
            return rc == Zinc.ZINC_OK;
        }
        throw ZincException.of(rc);
    }

    /** Like {@link #await(long)}, but a timeout throws {@link ZincException.TimedOut} (-110). */
    public void awaitOrThrow(long timeoutMs) {
        if (!await(timeoutMs)) {
            throw ZincException.of(Zinc.ZINC_ETIMEDOUT);
        }
    }

    /**
     * Closes this handle: invalidates every view (later accesses throw
     * {@link IllegalStateException}), then {@code zinc_close}, which wakes this handle's waiters
     * (they get -9) and unmaps once calls in flight have left; the creator's close (or the last
     * handle's, whichever is later) removes the name. A second close does nothing. If another
     * thread's own native call or NIO I/O is using a view, close waits for it to end.
     */
    @Override
    public void close() {
        while (views.scope().isAlive()) {
            try {
                views.close();
            } catch (IllegalStateException busy) { // a view is held by a downcall: let it finish
                LockSupport.parkNanos(1_000_000L);
            }
        }
        try {
            Native.CLOSE.invokeExact(handle);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The core's handle (package-private: tests and the benchmark). */
    MemorySegment nativeHandle() {
        return handle;
    }

    @Override
    public String toString() {
        return "SharedRegion[" + name + (creator ? ", creator" : "") + (isClosed() ? ", closed" : ", capacity=" + data.byteSize()) + "]";
    }
}
