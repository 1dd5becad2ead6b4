using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Zinc
{
    /// <summary>
    /// A named shared-memory region mapped by the Zinc core. The data area is exposed zero-copy as
    /// <see cref="Span{T}"/> views over the mapping: a write through a view is a write to the
    /// shared pages, visible to every process that maps the region.
    /// </summary>
    /// <remarks>
    /// <para><b>View lifetime.</b> <see cref="Dispose"/> never unmaps memory that a tracked view
    /// still uses: a <see cref="RegionLease"/> from <see cref="Acquire"/> holds a reference on the
    /// native handle, and the unmap is deferred until the last lease is disposed. Spans from
    /// <see cref="Bytes()"/> and <see cref="AsSpan{T}()"/> on the region itself are valid until
    /// <see cref="Dispose"/>; <c>Span</c> is stack-only (no fields, lambdas, iterators or
    /// <c>await</c>), so such a span can only outlive the mapping if the very code that holds it
    /// disposes the region and then keeps using it: take a lease when the region may be disposed
    /// while a span is in use (e.g. by another thread).</para>
    /// <para><b>Limits.</b> A <c>Span</c> holds at most <see cref="int.MaxValue"/> elements, so
    /// <see cref="Bytes()"/> fails with <see cref="InvalidOperationException"/> for regions of 2 GiB
    /// and more: use the windowed <see cref="Bytes(long, int)"/> there.</para>
    /// <para><b>Threads.</b> <see cref="Notify"/>, <see cref="Wait"/> and views may be used from
    /// several threads at once. Concurrent waits on one handle share its cursor: each wakes on
    /// a notification, but one that a wait already consumed is not seen by a wait that starts
    /// later (open one handle per consumer for independent cursors). A <see cref="Dispose"/> from
    /// another thread makes a blocked <see cref="Wait"/> throw <see cref="ObjectDisposedException"/>
    /// within ~0.2 s; the handle is closed once that wait has returned, never under it.</para>
    /// </remarks>
    public sealed class SharedRegion : MappedMemory, IDisposable
    {
        /// <summary>Pass to <see cref="Wait"/> to wait without a timeout (same as <see cref="Timeout.Infinite"/>).</summary>
        public const int WaitForever = Timeout.Infinite;

        private readonly ZincSafeHandle _handle;
        private int _disposed;

        private SharedRegion(string name, ZincSafeHandle handle)
            : base(Native.zinc_ptr(handle), (ulong)Native.zinc_capacity(handle))
        {
            Name = name;
            _handle = handle;
        }

        /// <summary>
        /// Creates the region <paramref name="name"/> with <paramref name="capacity"/> usable bytes
        /// (a positive multiple of the page size); this handle owns it: the name is removed once it
        /// and every other handle are closed.
        /// </summary>
        /// <exception cref="ZincException">EEXIST, EINVAL (bad name or size), ENOSPC (-28), …</exception>
        public static SharedRegion Create(string name, ulong capacity)
        {
            byte[] cname = Native.Utf8Z(name, "name");
            if (UIntPtr.Size == 4 && capacity > uint.MaxValue)
                throw new ArgumentOutOfRangeException("capacity", capacity,
                    "capacity does not fit this process's uintptr_t (32-bit)");
            Loader.EnsureConfigured();
            ZincSafeHandle h;
            int rc = CreateCore(cname, new UIntPtr(capacity), out h);
            return Wrap(name, rc, h);
        }

        /// <summary>Opens the existing live region <paramref name="name"/>.</summary>
        /// <exception cref="ZincException">ENOENT, EBADMSG (corrupted), EPERM, EINVAL (bad name), …</exception>
        public static SharedRegion Open(string name)
        {
            byte[] cname = Native.Utf8Z(name, "name");
            Loader.EnsureConfigured();
            ZincSafeHandle h;
            int rc = OpenCore(cname, out h);
            return Wrap(name, rc, h);
        }

        // Mono binds a P/Invoke when it compiles the method that calls it, so the first calls
        // live in methods of their own, compiled only after Loader has applied ZINC_LIB.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int CreateCore(byte[] name, UIntPtr capacity, out ZincSafeHandle h)
        {
            return Native.zinc_create(name, capacity, out h);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int OpenCore(byte[] name, out ZincSafeHandle h)
        {
            return Native.zinc_open(name, out h);
        }

        private static SharedRegion Wrap(string name, int rc, ZincSafeHandle h)
        {
            if (rc != 0)
            {
                if (h != null) h.Dispose(); // NULL on failure (the core's contract); nothing to close
                throw new ZincException(rc);
            }
            return new SharedRegion(name, h);
        }

        /// <summary>The name the region was created or opened with.</summary>
        public string Name { get; }

        /// <summary>True once <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed { get { return Volatile.Read(ref _disposed) != 0; } }

        /// <summary>
        /// A lease on the mapping: while it is alive the region's memory stays mapped even if the
        /// region is disposed (the unmap is deferred to the last lease's Dispose).
        /// </summary>
        public RegionLease Acquire()
        {
            ThrowIfDisposed();
            bool added = false;
            _handle.DangerousAddRef(ref added); // throws ObjectDisposedException if closed meanwhile
            return new RegionLease(this, _handle, _ptr, _capacity);
        }

        /// <summary>Signals every waiter of this region in every process (notifications coalesce).</summary>
        public void Notify()
        {
            ThrowIfDisposed();
            Native.zinc_notify(_handle);
        }

        /// <summary>
        /// Waits until the region is notified (true) or <paramref name="timeoutMs"/> expires (false).
        /// A notification since this handle's last wait (or its open) returns at once, including
        /// this handle's own <see cref="Notify"/>; 0 polls; <see cref="WaitForever"/> (-1) waits
        /// without a timeout. If another thread disposes the region meanwhile, the wait ends
        /// with <see cref="ObjectDisposedException"/> within about <see cref="DisposeCheckMs"/> ms.
        /// </summary>
        public bool Wait(int timeoutMs)
        {
            if (timeoutMs < WaitForever)
                throw new ArgumentOutOfRangeException("timeoutMs", timeoutMs,
                    "timeout must be >= 0 milliseconds, or -1 (WaitForever)");
            ThrowIfDisposed();
            // Long waits run in slices so that a Dispose from another thread is noticed: the
            // blocked call holds a reference on the handle, which would otherwise keep the region
            // open until a notification came. A timed-out slice changes no state in the core.
            Stopwatch clock = timeoutMs > DisposeCheckMs ? Stopwatch.StartNew() : null;
            while (true)
            {
                int slice = timeoutMs;
                if (timeoutMs == WaitForever || timeoutMs > DisposeCheckMs)
                {
                    long left = timeoutMs == WaitForever ? DisposeCheckMs : timeoutMs - clock.ElapsedMilliseconds;
                    if (left <= 0) return false;
                    slice = (int)Math.Min(left, DisposeCheckMs);
                }
                int rc = Native.zinc_wait(_handle, (uint)slice);
                if (rc == 0) return true;
                if (rc != ZincErrorCode.ETIMEDOUT) throw new ZincException(rc);
                if (slice == timeoutMs) return false;
                ThrowIfDisposed();
            }
        }

        /// <summary>How often a long <see cref="Wait"/> checks whether the region was disposed.</summary>
        public const int DisposeCheckMs = 200;

        /// <summary>
        /// Closes this handle (idempotent). The mapping is unmapped at once unless a
        /// <see cref="RegionLease"/> or a call in another thread still uses it, in which case the
        /// last of those closes it. A region never disposed is closed by its finalizer.
        /// </summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _handle.Dispose();
        }

        public override string ToString()
        {
            return IsDisposed ? "SharedRegion(" + Name + ", disposed)"
                              : "SharedRegion(" + Name + ", " + _capacity + " bytes)";
        }

        protected override void ThrowIfDisposed()
        {
            if (IsDisposed) throw new ObjectDisposedException("SharedRegion", "the region '" + Name + "' has been disposed");
        }
    }

    /// <summary>
    /// Keeps a region's mapping alive: views taken from a lease stay valid until the lease is
    /// disposed, whatever happens to the <see cref="SharedRegion"/> meanwhile. Dispose every lease
    /// (a forgotten lease keeps the region open until the process exits).
    /// </summary>
    public sealed class RegionLease : MappedMemory, IDisposable
    {
        private readonly ZincSafeHandle _handle;
        private int _disposed;

        internal RegionLease(SharedRegion region, ZincSafeHandle handle, IntPtr ptr, ulong capacity)
            : base(ptr, capacity)
        {
            Region = region;
            _handle = handle;
        }

        /// <summary>The region this lease belongs to (possibly disposed already).</summary>
        public SharedRegion Region { get; }

        public bool IsDisposed { get { return Volatile.Read(ref _disposed) != 0; } }

        /// <summary>Releases the lease (idempotent); closes the handle if the region was disposed and this was the last user.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _handle.DangerousRelease();
        }

        protected override void ThrowIfDisposed()
        {
            if (IsDisposed) throw new ObjectDisposedException("RegionLease", "the lease on '" + Region.Name + "' has been disposed");
        }
    }

    /// <summary>
    /// The zero-copy views shared by <see cref="SharedRegion"/> and <see cref="RegionLease"/>:
    /// every member checks that its owner is still usable, then builds a bounds-checked view.
    /// </summary>
    public abstract class MappedMemory
    {
        private protected readonly IntPtr _ptr;
        private protected readonly ulong _capacity;

        private protected MappedMemory(IntPtr ptr, ulong capacity)
        {
            _ptr = ptr;
            _capacity = capacity;
        }

        /// <summary>Throws <see cref="ObjectDisposedException"/> once the owner is disposed.</summary>
        protected abstract void ThrowIfDisposed();

        /// <summary>Usable bytes in the data area.</summary>
        public ulong Capacity
        {
            get { ThrowIfDisposed(); return _capacity; }
        }

        /// <summary>The native address of the data area (byte 64 of the mapping), valid until Dispose.</summary>
        public IntPtr Pointer
        {
            get { ThrowIfDisposed(); return _ptr; }
        }

        /// <summary>The whole data area as bytes (regions below 2 GiB).</summary>
        public Span<byte> Bytes()
        {
            ThrowIfDisposed();
            return View.Whole<byte>(_ptr, _capacity);
        }

        /// <summary>A window of <paramref name="length"/> bytes at <paramref name="offset"/>; works at any offset of any region.</summary>
        public Span<byte> Bytes(long offset, int length)
        {
            ThrowIfDisposed();
            return View.Window<byte>(_ptr, _capacity, offset, length);
        }

        /// <summary>
        /// The whole data area as elements of an unmanaged type (native endianness), e.g.
        /// <c>AsSpan&lt;float&gt;()</c>; <c>Capacity / sizeof(T)</c> elements. A type that contains
        /// references is refused with <see cref="ArgumentException"/>.
        /// </summary>
        public Span<T> AsSpan<T>()
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            ThrowIfDisposed();
            return View.Whole<T>(_ptr, _capacity);
        }

        /// <summary><paramref name="count"/> elements of <typeparamref name="T"/> starting <paramref name="byteOffset"/> bytes into the data area.</summary>
        public Span<T> AsSpan<T>(long byteOffset, int count)
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            ThrowIfDisposed();
            return View.Window<T>(_ptr, _capacity, byteOffset, count);
        }
    }

    /// <summary>Span construction over the mapping, with the bounds and size checks of §7.</summary>
    internal static class View
    {
        internal static unsafe Span<T> Whole<T>(IntPtr ptr, ulong capacity)
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            int size = SizeOf<T>();
            ulong count = capacity / (ulong)size;
            if (count > int.MaxValue)
                throw new InvalidOperationException(
                    "the region's " + capacity + " bytes exceed what one Span<" + typeof(T).Name +
                    "> can hold (" + int.MaxValue + " elements, i.e. below 2 GiB for bytes): use the windowed Bytes(offset, length) or AsSpan<T>(byteOffset, count)");
            return new Span<T>((void*)ptr, (int)count);
        }

        internal static unsafe Span<T> Window<T>(IntPtr ptr, ulong capacity, long byteOffset, int count)
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            int size = SizeOf<T>();
            if (byteOffset < 0 || (ulong)byteOffset > capacity)
                throw new ArgumentOutOfRangeException("offset", byteOffset,
                    "offset must be within the region's data area [0, " + capacity + "]");
            if (count < 0)
                throw new ArgumentOutOfRangeException("length", count, "length must not be negative");
            ulong bytes = (ulong)count * (ulong)size;
            if (bytes > capacity - (ulong)byteOffset)
                throw new ArgumentOutOfRangeException("length", count,
                    "the window [" + byteOffset + ", " + byteOffset + " + " + bytes + ") runs past the region's capacity " + capacity);
            return new Span<T>((byte*)ptr + byteOffset, count);
        }

        // sizeof(T) for an unmanaged T; refuses (ArgumentException) a T that contains references.
        private static unsafe int SizeOf<T>()
#if NET6_0_OR_GREATER
            where T : unmanaged
        {
            return sizeof(T);
        }
#else
            where T : struct
        {
            int size = SizeCache<T>.Value;
            if (size == 0)
            {
                size = MemoryMarshal.AsBytes(new Span<T>(new T[1])).Length; // throws for references
                SizeCache<T>.Value = size;
            }
            return size;
        }

        private static class SizeCache<T>
        {
            internal static int Value; // 0 until measured (no struct has size 0)
        }
#endif
    }
}
