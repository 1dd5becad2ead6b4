// P/Invoke declarations for the eight functions of include/zinc.h, and the one library lookup of
// docs/ADAPTER_CONTRACT.md §2. Compiles with Mono's mcs -langversion:7.2 and with the .NET 6+ SDK.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Zinc
{
    /// <summary>
    /// The core's C ABI. A <c>ZincHandle</c> is passed as a plain <see cref="IntPtr"/>: the core's
    /// handles are generation-checked slots, so a closed handle passed again is refused by the core
    /// (-9 from wait, NULL from ptr, 0 from capacity, nothing from notify and close), and a close
    /// from another thread wakes a blocked wait. The adapter therefore needs no reference counting.
    /// </summary>
    internal static class Native
    {
        internal const string Lib = "zinc_core";

        /// <summary>ZINC_WAIT_FOREVER: the timeout that never expires.</summary>
        internal const uint WaitForever = uint.MaxValue;

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int zinc_create(byte[] name, UIntPtr capacity, out IntPtr handle);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int zinc_open(byte[] name, out IntPtr handle);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr zinc_ptr(IntPtr handle);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr zinc_capacity(IntPtr handle);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void zinc_close(IntPtr handle);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void zinc_notify(IntPtr handle);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int zinc_wait(IntPtr handle, uint timeoutMs);

        // A static, NUL-terminated UTF-8 string owned by the core: never freed.
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr zinc_strerror(int code);

        /// <summary>The core's message for a code.</summary>
        internal static string StrError(int code)
        {
            Loader.EnsureLoaded();
            return StrErrorCore(code);
        }

        // Mono binds a P/Invoke when it compiles the method that calls it, so every first call
        // lives in a method of its own, compiled only after the Loader has chosen the library.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static unsafe string StrErrorCore(int code)
        {
            byte* p = (byte*)zinc_strerror(code);
            int n = 0;
            while (p[n] != 0) n++;
            return Encoding.UTF8.GetString(p, n);
        }

        /// <summary>
        /// A name as the NUL-terminated UTF-8 a <c>const char*</c> expects. A NUL inside the name
        /// cannot cross the C ABI without truncating it, so it gets the core's EINVAL (-22); every
        /// other rule is checked by the core.
        /// </summary>
        internal static byte[] Utf8Z(string s)
        {
            if (s == null) throw new ArgumentNullException("name");
            if (s.IndexOf('\0') >= 0) throw new ZincException(ZincErrorCode.EINVAL);
            byte[] raw = Encoding.UTF8.GetBytes(s);
            Array.Resize(ref raw, raw.Length + 1);
            return raw;
        }
    }

    /// <summary>
    /// Chooses the libzinc_core.so that DllImport("zinc_core") binds to, once, before the first
    /// call (docs/ADAPTER_CONTRACT.md §2):
    /// 1. <c>$ZINC_LIB</c> when set: it must load, there is no fallback;
    /// 2. the package's copy, relative to Zinc.dll: <c>runtimes/linux-&lt;arch&gt;/native/</c> beside it
    ///    (a NuGet build output), Zinc.dll's own directory (a RID-specific publish), and
    ///    <c>../../runtimes/linux-&lt;arch&gt;/native/</c> (Zinc.dll used in place in the package);
    /// 3. the system loader by name: libzinc_core.so.0, then libzinc_core.so.
    /// Never the working directory. The choice is loaded with dlopen and handed to the runtime:
    /// a <c>NativeLibrary</c> DllImport resolver on .NET, a global dllmap entry on Mono.
    /// </summary>
    internal static class Loader
    {
        private const string File = "libzinc_core.so";
        private static readonly object Gate = new object();
        private static volatile bool _loaded;

        internal static void EnsureLoaded()
        {
            if (_loaded) return;
            lock (Gate)
            {
                if (_loaded) return;
                var tried = new List<string>();
                string env = Environment.GetEnvironmentVariable("ZINC_LIB");
                IEnumerable<string> candidates = string.IsNullOrEmpty(env) ? Candidates() : new[] { env };
                foreach (string path in candidates)
                {
                    IntPtr h = dlopen(path, RtldNow);
                    if (h == IntPtr.Zero)
                    {
                        tried.Add((path == env ? "ZINC_LIB=" : "") + path + " (" + Marshal.PtrToStringAnsi(dlerror()) + ")");
                        continue;
                    }
                    Bind(path, h);
                    Probe(path);
                    _loaded = true;
                    return;
                }
                throw new DllNotFoundException("zinc: cannot load " + File + "; tried: " + string.Join("; ", tried) +
                    (string.IsNullOrEmpty(env) ? ". Set ZINC_LIB=/abs/path/libzinc_core.so or install the library." : ""));
            }
        }

        private static IEnumerable<string> Candidates()
        {
            string dir = null;
            try
            {
                dir = Path.GetDirectoryName(typeof(Loader).Assembly.Location);
            }
            catch (Exception) { } // no location (e.g. loaded from bytes): no package copy
            if (!string.IsNullOrEmpty(dir))
            {
                string native = Path.Combine("runtimes", "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), "native");
                yield return Path.Combine(dir, native, File);
                yield return Path.Combine(dir, File);
                yield return Path.GetFullPath(Path.Combine(dir, "..", "..", native, File));
            }
            yield return File + ".0";
            yield return File;
        }

        private static void Bind(string path, IntPtr handle)
        {
            // .NET Core 3+: a resolver for this assembly (looked up by reflection, since the
            // package's Zinc.dll targets netstandard2.1, which has no NativeLibrary).
            Type nl = Type.GetType("System.Runtime.InteropServices.NativeLibrary, System.Runtime.InteropServices", false);
            MethodInfo set = nl == null ? null : nl.GetMethod("SetDllImportResolver");
            if (set != null)
            {
                Type resolverType = set.GetParameters()[1].ParameterType;
                var resolver = Delegate.CreateDelegate(resolverType, new Resolver { Handle = handle }, "Resolve");
                set.Invoke(null, new object[] { typeof(Loader).Assembly, resolver });
            }
            else if (Type.GetType("Mono.Runtime") != null)
            {
                // Mono: a global dllmap entry, consulted for every assembly without its own
                // dllmap for "zinc_core". The same file is already loaded, so this binds to it.
                mono_dllmap_insert(IntPtr.Zero, Native.Lib, null, path, null);
            }
        }

        private sealed class Resolver
        {
            internal IntPtr Handle;

            public IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
            {
                return name == Native.Lib ? Handle : IntPtr.Zero;
            }
        }

        // One call through DllImport proves the runtime bound "zinc_core" to the chosen file.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Probe(string path)
        {
            try
            {
                Native.zinc_capacity(IntPtr.Zero);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                throw new DllNotFoundException("zinc: cannot load " + File + ": " + path + " loads, but the runtime did not bind it (" + e.Message + ")", e);
            }
        }

        private const int RtldNow = 2;

        [DllImport("libdl.so.2")]
        private static extern IntPtr dlopen(string file, int mode);

        [DllImport("libdl.so.2")]
        private static extern IntPtr dlerror();

        // Exported by the Mono runtime itself.
        [DllImport("__Internal", CallingConvention = CallingConvention.Cdecl)]
        private static extern void mono_dllmap_insert(IntPtr assembly, string dll, string func, string tdll, string tfunc);
    }
}
