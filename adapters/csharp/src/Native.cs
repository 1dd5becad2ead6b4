// P/Invoke declarations for the eight functions of include/zinc.h, plus the logic that makes
// DllImport("zinc_core") find the library (ZINC_LIB first, then the runtime's normal search).
// Compiles with Mono's mcs -langversion:7.2 and with the .NET 6+ SDK (see Zinc.csproj).
using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Zinc
{
    /// <summary>
    /// The native handle (<c>ZincHandle</c>, a <c>void*</c>). Wrapping it in a SafeHandle gives
    /// three guarantees: the P/Invoke marshaller stores a new handle atomically (no leak if a
    /// thread abort lands between the call and the assignment), <see cref="ReleaseHandle"/> runs
    /// exactly once even from the finalizer thread, and every call that takes the handle holds a
    /// reference for its duration, so a concurrent Dispose defers <c>zinc_close</c> until that call
    /// (e.g. a blocking <c>zinc_wait</c>) has returned: close never races with another call.
    /// </summary>
    internal sealed class ZincSafeHandle : SafeHandle
    {
        public ZincSafeHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.zinc_close(handle);
            return true;
        }
    }

    internal static class Native
    {
        internal const string Lib = "zinc_core";

        // int32_t zinc_create(const char *name, uintptr_t capacity, ZincHandle *out);
        // The name is passed as NUL-terminated UTF-8 bytes built by the adapter (see Utf8Z).
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int zinc_create(byte[] name, UIntPtr capacity, out ZincSafeHandle handle);

        // int32_t zinc_open(const char *name, ZincHandle *out);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int zinc_open(byte[] name, out ZincSafeHandle handle);

        // uint8_t *zinc_ptr(ZincHandle h);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr zinc_ptr(ZincSafeHandle handle);

        // uintptr_t zinc_capacity(ZincHandle h);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr zinc_capacity(ZincSafeHandle handle);

        // Same function with a raw pointer: used only to probe that the library loads.
        [DllImport(Lib, EntryPoint = "zinc_capacity", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr zinc_capacity_raw(IntPtr handle);

        // void zinc_close(ZincHandle h);  (only ever called from ZincSafeHandle.ReleaseHandle)
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void zinc_close(IntPtr handle);

        // void zinc_notify(ZincHandle h);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void zinc_notify(ZincSafeHandle handle);

        // int32_t zinc_wait(ZincHandle h, uint32_t timeout_ms);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int zinc_wait(ZincSafeHandle handle, uint timeoutMs);

        // const char *zinc_strerror(int32_t code);  (static string owned by the core: never freed)
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr zinc_strerror(int code);

        /// <summary>The core's message for a code, decoded from its static UTF-8 string.</summary>
        internal static string StrError(int code)
        {
            Loader.EnsureConfigured();
            return StrErrorCore(code);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static unsafe string StrErrorCore(int code)
        {
            byte* p = (byte*)zinc_strerror(code);
            if (p == null) return "unknown error " + code; // the core promises never NULL
            int n = 0;
            while (p[n] != 0) n++;
            return Encoding.UTF8.GetString(p, n);
        }

        /// <summary>
        /// A string as the NUL-terminated UTF-8 bytes a <c>const char*</c> expects. A C string
        /// cannot carry an embedded NUL, so such a name is refused here (otherwise the core would
        /// silently see a shorter name); every other check is the core's.
        /// </summary>
        internal static byte[] Utf8Z(string s, string paramName)
        {
            if (s == null) throw new ArgumentNullException(paramName);
            if (s.IndexOf('\0') >= 0)
                throw new ArgumentException("a region name cannot contain a NUL character", paramName);
            byte[] raw = Encoding.UTF8.GetBytes(s);
            byte[] z = new byte[raw.Length + 1];
            Buffer.BlockCopy(raw, 0, z, 0, raw.Length);
            return z;
        }
    }

    /// <summary>
    /// Points DllImport("zinc_core") at the right file before the first call. Order:
    /// 1. <c>$ZINC_LIB</c> when set (it must load: no fallback);
    /// 2. libzinc_core.so beside Zinc.dll (found by the runtime itself);
    /// 3. in a source checkout, &lt;repo&gt;/target/release/libzinc_core.so;
    /// 4. the runtime's normal search: Mono dllmap config files, LD_LIBRARY_PATH, the loader cache.
    /// For 1 and 3, .NET 6+ gets a <c>NativeLibrary.SetDllImportResolver</c> and Mono a global
    /// dllmap entry through the runtime's exported <c>mono_dllmap_insert</c>.
    /// </summary>
    internal static class Loader
    {
        private static readonly object Gate = new object();
        private static bool _redirected;
        private static volatile bool _loaded;
        private static string _chosen;

        internal static void EnsureConfigured()
        {
            if (_loaded) return;
            lock (Gate)
            {
                if (_loaded) return;
                if (!_redirected)
                {
                    string path = Environment.GetEnvironmentVariable("ZINC_LIB");
                    if (string.IsNullOrEmpty(path)) path = CheckoutLibrary();
                    if (!string.IsNullOrEmpty(path)) Redirect(path);
                    _chosen = path;
                    _redirected = true;
                }
                Probe();
                _loaded = true;
            }
        }

        /// <summary>
        /// When Zinc.dll runs from a source checkout (…/adapters/csharp/bin) and no libzinc_core.so
        /// sits beside it, the checkout's own core: &lt;repo&gt;/target/release/libzinc_core.so.
        /// Null otherwise (then the runtime's normal search applies).
        /// </summary>
        private static string CheckoutLibrary()
        {
            try
            {
                string dir = Path.GetDirectoryName(typeof(Loader).Assembly.Location);
                if (string.IsNullOrEmpty(dir) || File.Exists(Path.Combine(dir, LibFile))) return null;
                for (var d = new DirectoryInfo(dir); d != null; d = d.Parent)
                {
                    if (File.Exists(Path.Combine(d.FullName, "include", "zinc.h")) &&
                        File.Exists(Path.Combine(d.FullName, "core", "Cargo.toml")))
                    {
                        string lib = Path.Combine(d.FullName, "target", "release", LibFile);
                        return File.Exists(lib) ? lib : null;
                    }
                }
            }
            catch (Exception) { } // no location (e.g. loaded from bytes): use the normal search
            return null;
        }

        private const string LibFile = "libzinc_core.so";

        private static void Redirect(string path)
        {
#if NET6_0_OR_GREATER
            NativeLibrary.SetDllImportResolver(typeof(Loader).Assembly, (name, assembly, searchPath) =>
                name == Native.Lib ? NativeLibrary.Load(path) : IntPtr.Zero);
#else
            if (Type.GetType("Mono.Runtime") != null)
            {
                try
                {
                    // Global map: consulted for every assembly that has no dllmap of its own
                    // for "zinc_core" (an assembly's Zinc.dll.config entry would be checked first).
                    MonoDllMap.mono_dllmap_insert(IntPtr.Zero, Native.Lib, null, path, null);
                }
                catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException)
                {
                    Console.Error.WriteLine("zinc: cannot honour ZINC_LIB on this runtime (" + e.Message +
                                            "); falling back to the default library search");
                }
            }
#endif
        }

        // Load the library now, so that a missing library is reported with a useful hint.
        // (NoInlining: Mono binds a P/Invoke when it compiles its caller; see SharedRegion.CreateCore.)
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Probe()
        {
            try
            {
                Native.zinc_capacity_raw(IntPtr.Zero);
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    "cannot load the Zinc core (" + (string.IsNullOrEmpty(_chosen) ? LibFile : _chosen) +
                    "): set ZINC_LIB=/absolute/path/libzinc_core.so or put its directory on LD_LIBRARY_PATH (" +
                    e.Message + ")", e);
            }
        }

#if !NET6_0_OR_GREATER
        private static class MonoDllMap
        {
            // Exported by the Mono runtime (libmonosgen / the mono executable).
            [DllImport("__Internal", CallingConvention = CallingConvention.Cdecl)]
            internal static extern void mono_dllmap_insert(IntPtr assembly, string dll, string func,
                                                           string tdll, string tfunc);
        }
#endif
    }
}
