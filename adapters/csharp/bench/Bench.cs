// A tiny timing, not a test: `mono bin/ZincBench.exe [iterations]` (make bench-csharp).
// Compares SharedRegion.Notify() (a P/Invoke + the core's atomic increment and futex wake check)
// with a bare P/Invoke of zinc_capacity(NULL), and Wait(0).
using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Zinc;

namespace Zinc.Bench
{
    internal static class Bench
    {
        [DllImport("zinc_core", EntryPoint = "zinc_capacity")]
        private static extern UIntPtr zinc_capacity_raw(IntPtr handle);

        private static double Time(string what, int n, Action body)
        {
            body(); // warm up (JIT, symbol resolution)
            var sw = Stopwatch.StartNew();
            body();
            sw.Stop();
            double ns = sw.Elapsed.TotalMilliseconds * 1e6 / n;
            Console.WriteLine("{0,-34} {1,8:F1} ns/call", what, ns);
            return ns;
        }

        public static int Main(string[] args)
        {
            int n = args.Length > 0 ? int.Parse(args[0]) : 2000000;
            string name = "b_cs_" + Process.GetCurrentProcess().Id;
            using (var r = SharedRegion.Create(name, 4096))
            {
                Console.WriteLine("iterations: " + n);
                double noop = Time("bare P/Invoke zinc_capacity(NULL)", n, () => { for (int i = 0; i < n; i++) zinc_capacity_raw(IntPtr.Zero); });
                double notify = Time("SharedRegion.Notify()", n, () => { for (int i = 0; i < n; i++) r.Notify(); });
                Time("Notify() + Wait(0)", n, () => { for (int i = 0; i < n; i++) { r.Notify(); r.Wait(0); } });
                double wait0 = Time("SharedRegion.Wait(0), nothing pending", n, () => { for (int i = 0; i < n; i++) r.Wait(0); });
                Time("SharedRegion.Bytes()", n, () => { for (int i = 0; i < n; i++) { Span<byte> s_ = r.Bytes(); s_[0] = (byte)i; } });
                // The one-line form bench/report.py reads into BENCHMARKS.md.
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                Console.WriteLine("{\"lang\":\"csharp\",\"runtime\":\"C#, P/Invoke on Mono (Notify / Wait(0); no-op = bare P/Invoke)\""
                    + ",\"noop_ns\":" + noop.ToString("F1", inv) + ",\"notify_ns\":" + notify.ToString("F1", inv)
                    + ",\"wait0_ns\":" + wait0.ToString("F1", inv) + "}");
            }
            return 0;
        }
    }
}
