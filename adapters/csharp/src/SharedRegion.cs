using System;
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
    /// <para><b>View lifetime.</b> Spans from <see cref="MappedMemory.Bytes()"/> and
    /// <see cref="MappedMemory.AsSpan{T}()"/> are valid until <see cref="MappedMemory.Dispose"/>.
    /// A <c>Span</c> is stack-only, so only code that disposes the region itself (or lets another
    /// thread do it) can outlive the mapping; where that can happen take a
    /// <see cref="RegionLease"/> from <see cref="Acquire"/>: it holds its own handle, so its
    /// views stay mapped until the lease is disposed.</para>
    /// <para><b>Threads.</b> <see cref="Notify"/>, <see cref="Wait"/> and views may be used from
    /// several threads at once. Concurrent waits on one handle share its cursor. A
    /// <see cref="MappedMemory.Dispose"/> from another thread wakes a blocked <see cref="Wait"/>,
    /// which throws <see cref="ZincException"/> with <see cref="ZincErrorCode.EBADF"/> (-9).</para>
    /// </remarks>
    public sealed class SharedRegion : MappedMemory
    {
        /// <summary>Pass to <see cref="Wait"/> to wait without a timeout (same as <see cref="Timeout.Infinite"/>).</summary>
        public const int WaitForever = Timeout.Infinite;

        private SharedRegion(string name, IntPtr handle) : base(name, handle) { }

        /// <summary>
        /// Creates the region <paramref name="name"/> with <paramref name="capacity"/> usable bytes
        /// (a positive multiple of the page size); this handle owns it: the name is removed once it
        /// and every other handle are closed.
        /// </summary>
        /// <exception cref="ZincException">EEXIST, EINVAL (bad name or size), ENOSPC (-28), …</exception>
        public static SharedRegion Create(string name, ulong capacity)
        {
            byte[] cname = Native.Utf8Z(name);
            if (UIntPtr.Size == 4 && capacity > uint.MaxValue)
                throw new ArgumentOutOfRangeException("capacity", capacity, "capacity does not fit this process's uintptr_t (32-bit)");
            Loader.EnsureLoaded();
            return new SharedRegion(name, CreateCore(cname, new UIntPtr(capacity)));
        }

        /// <summary>Opens the existing live region <paramref name="name"/>.</summary>
        /// <exception cref="ZincException">ENOENT, EBADMSG (corrupted), EPERM, EINVAL (bad name), …</exception>
        public static SharedRegion Open(string name)
        {
            byte[] cname = Native.Utf8Z(name);
            Loader.EnsureLoaded();
            return new SharedRegion(name, OpenCore(cname));
        }

        // Every method that calls the core is NoInlining: Mono binds a P/Invoke when it compiles
        // the calling method, which must happen after Loader.EnsureLoaded (see Native.StrErrorCore).
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IntPtr CreateCore(byte[] name, UIntPtr capacity)
        {
            IntPtr h;
            Check(Native.zinc_create(name, capacity, out h));
            return h;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static IntPtr OpenCore(byte[] name)
        {
            IntPtr h;
            Check(Native.zinc_open(name, out h));
            return h;
        }

        private static void Check(int rc)
        {
            if (rc != 0) throw new ZincException(rc);
        }

        /// <summary>
        /// A lease: a second handle on this region (opened by name), whose views stay mapped until
        /// the lease is disposed, whatever happens to this <see cref="SharedRegion"/> meanwhile.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public RegionLease Acquire()
        {
            Data(); // -9 once this region is disposed
            IntPtr lease = OpenCore(Native.Utf8Z(Name));
            // The name names this region only while this handle is open: had another thread
            // disposed it during the open, the region could have gone and a new one taken the
            // name. Disposal is one-way, so not disposed now means open throughout.
            if (IsDisposed)
            {
                Native.zinc_close(lease);
                throw new ZincException(ZincErrorCode.EBADF);
            }
            GC.KeepAlive(this);
            return new RegionLease(this, lease);
        }

        /// <summary>Signals every waiter of this region in every process (notifications coalesce); a no-op once disposed.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Notify()
        {
            Native.zinc_notify(Handle);
            GC.KeepAlive(this);
        }

        /// <summary>
        /// Waits until the region is notified (true) or <paramref name="timeoutMs"/> expires (false).
        /// A notification since this handle's last wait (or its open) returns at once, including
        /// this handle's own <see cref="Notify"/>; 0 polls; <see cref="WaitForever"/> (-1) waits
        /// without a timeout. A disposed region, or a Dispose from another thread during the wait,
        /// gives <see cref="ZincException"/> with code -9 (EBADF).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public bool Wait(int timeoutMs)
        {
            if (timeoutMs < WaitForever)
                throw new ArgumentOutOfRangeException("timeoutMs", timeoutMs, "timeout must be >= 0 milliseconds, or -1 (WaitForever)");
            int rc = Native.zinc_wait(Handle, timeoutMs == WaitForever ? Native.WaitForever : (uint)timeoutMs);
            GC.KeepAlive(this);
            if (rc == ZincErrorCode.ETIMEDOUT) return false;
            Check(rc);
            return true;
        }
    }

    /// <summary>
    /// A second handle on a region, from <see cref="SharedRegion.Acquire"/>: its views stay valid
    /// until the lease is disposed, even if the region is disposed first.
    /// </summary>
    public sealed class RegionLease : MappedMemory
    {
        internal RegionLease(SharedRegion region, IntPtr handle) : base(region.Name, handle)
        {
            Region = region;
        }

        /// <summary>The region this lease was taken from (possibly disposed already).</summary>
        public SharedRegion Region { get; }
    }

    /// <summary>
    /// One core handle and the zero-copy views of its mapping, shared by <see cref="SharedRegion"/>
    /// and <see cref="RegionLease"/>. After <see cref="Dispose"/>, views throw the core's -9
    /// (EBADF) error, <see cref="Capacity"/> is 0 and a second Dispose does nothing.
    /// </summary>
    public abstract class MappedMemory : IDisposable
    {
        private readonly IntPtr _handle;
        private readonly ulong _capacity;
        private int _disposed;

        /// <summary>Takes ownership of an open core handle.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private protected MappedMemory(string name, IntPtr handle)
        {
            Name = name;
            _handle = handle;
            _capacity = (ulong)Native.zinc_capacity(handle);
        }

        /// <summary>A region nobody disposed is closed when it is collected.</summary>
        ~MappedMemory()
        {
            Native.zinc_close(_handle);
        }

        /// <summary>The core handle (still passed after Dispose: the core refuses a closed one).</summary>
        private protected IntPtr Handle { get { return _handle; } }

        /// <summary>The name the region was created or opened with.</summary>
        public string Name { get; }

        /// <summary>True once <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed { get { return Volatile.Read(ref _disposed) != 0; } }

        /// <summary>Usable bytes in the data area; 0 once disposed.</summary>
        public ulong Capacity
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            get
            {
                ulong c = (ulong)Native.zinc_capacity(_handle);
                GC.KeepAlive(this);
                return c;
            }
        }

        /// <summary>The native address of the data area (byte 64 of the mapping), valid until Dispose.</summary>
        public IntPtr Pointer { get { return Data(); } }

        /// <summary>The data area from the core; NULL means the handle was closed: -9 (EBADF).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private protected IntPtr Data()
        {
            IntPtr p = Native.zinc_ptr(_handle);
            GC.KeepAlive(this);
            if (p == IntPtr.Zero) throw new ZincException(ZincErrorCode.EBADF);
            return p;
        }

        /// <summary>The whole data area as bytes (regions below 2 GiB).</summary>
        public Span<byte> Bytes()
        {
            return View.Whole<byte>(Data(), _capacity);
        }

        /// <summary>A window of <paramref name="length"/> bytes at <paramref name="offset"/>; works at any offset of any region.</summary>
        public Span<byte> Bytes(long offset, int length)
        {
            return View.Window<byte>(Data(), _capacity, offset, length);
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
            return View.Whole<T>(Data(), _capacity);
        }

        /// <summary><paramref name="count"/> elements of <typeparamref name="T"/> starting <paramref name="byteOffset"/> bytes into the data area.</summary>
        public Span<T> AsSpan<T>(long byteOffset, int count)
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            return View.Window<T>(Data(), _capacity, byteOffset, count);
        }

        /// <summary>
        /// Closes the handle: unmaps at once (the core first wakes this handle's waiters, which get
        /// -9, and lets calls in flight finish). A second Dispose does nothing.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Dispose()
        {
            Volatile.Write(ref _disposed, 1);
            Native.zinc_close(_handle); // the core makes a second close a no-op
            GC.SuppressFinalize(this);
        }

        /// <summary>"SharedRegion(name, N bytes)", or "(name, disposed)".</summary>
        public override string ToString()
        {
            return GetType().Name + "(" + Name + (IsDisposed ? ", disposed)" : ", " + _capacity + " bytes)");
        }
    }

    /// <summary>Span construction over the mapping, with the bounds and size checks of SPEC §7.</summary>
    internal static class View
    {
        internal static unsafe Span<T> Whole<T>(IntPtr ptr, ulong capacity)
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            ulong count = capacity / (ulong)SizeOf<T>();
            if (count > int.MaxValue)
                throw new InvalidOperationException(
                    "the region's " + capacity + " bytes exceed what one Span<" + typeof(T).Name +
                    "> can hold (" + int.MaxValue + " elements, i.e. below 2 GiB for bytes): " +
                    "use the windowed Bytes(offset, length) or AsSpan<T>(byteOffset, count)");
            return new Span<T>((void*)ptr, (int)count);
        }

        internal static unsafe Span<T> Window<T>(IntPtr ptr, ulong capacity, long byteOffset, int count)
#if NET6_0_OR_GREATER
            where T : unmanaged
#else
            where T : struct
#endif
        {
            if (byteOffset < 0 || (ulong)byteOffset > capacity)
                throw new ArgumentOutOfRangeException("offset", byteOffset, "offset must be within the region's data area [0, " + capacity + "]");
            if (count < 0)
                throw new ArgumentOutOfRangeException("length", count, "length must not be negative");
            ulong bytes = (ulong)count * (ulong)SizeOf<T>();
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
