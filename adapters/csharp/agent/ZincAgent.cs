// Conformance agent (tests/matrix/README.md): `mono adapters/csharp/bin/ZincAgent.exe serve`.
// Drives Zinc only through the public C# API; one reply line per message on stdout, flushed.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Zinc;

namespace Zinc.Agent
{
    internal static class Program
    {
        private static TextWriter _out;
        private static TextReader _in;

        public static int Main(string[] args)
        {
            if (args.Length != 1 || args[0] != "serve")
            {
                Console.Error.WriteLine("usage: mono ZincAgent.exe serve");
                return 2;
            }
            _out = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            _in = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            string line;
            while ((line = _in.ReadLine()) != null)
            {
                string[] a = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (a.Length == 0) continue;
                if (a[0] == "quit") return 0;
                try
                {
                    Dispatch(a);
                }
                catch (ZincException e)
                {
                    Say("FAIL " + e.Code + " " + e.Message);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine("agent: " + e);
                    Say("FAIL " + e.GetType().Name + ": " + e.Message.Replace('\n', ' '));
                }
            }
            return 0;
        }

        private static void Say(string line)
        {
            _out.WriteLine(line);
            _out.Flush();
        }

        private static void Dispatch(string[] a)
        {
            switch (a[0])
            {
                case "writer":
                    Need(a, 4, "writer NAME CAPACITY SEED [noreply]");
                    Writer(a[1], ulong.Parse(a[2], CultureInfo.InvariantCulture), int.Parse(a[3], CultureInfo.InvariantCulture),
                           a.Length > 4 && a[4] == "noreply");
                    break;
                case "reader":
                    Need(a, 3, "reader NAME SEED [noreply]");
                    Reader(a[1], int.Parse(a[2], CultureInfo.InvariantCulture), a.Length > 3 && a[3] == "noreply");
                    break;
                case "checksum":
                    Need(a, 2, "checksum NAME");
                    Checksum(a[1]);
                    break;
                case "errors":
                    Errors();
                    break;
                case "abi":
                    Abi();
                    break;
                default:
                    Say("FAIL unknown command '" + a[0] + "'");
                    break;
            }
        }

        private static void Need(string[] a, int n, string usage)
        {
            if (a.Length < n) throw new ArgumentException("usage: " + usage);
        }

        private static byte Pattern(int seed, long i)
        {
            return (byte)(((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFF);
        }

        // The data area in windows a Span<byte> can hold (one window below 2 GiB).
        private const int Chunk = 1 << 30;

        private static void Fill(SharedRegion r, int seed, bool reply)
        {
            ulong cap = r.Capacity;
            for (ulong start = 0; start < cap; start += Chunk)
            {
                int len = (int)Math.Min((ulong)Chunk, cap - start);
                Span<byte> b = r.Bytes((long)start, len);
                long bas = (long)start;
                for (int i = 0; i < len; i++)
                {
                    byte p = Pattern(seed, bas + i);
                    b[i] = reply ? (byte)(255 - p) : p;
                }
            }
        }

        // Null when every byte matches, else a description of the first mismatch.
        private static string Check(SharedRegion r, int seed, bool reply)
        {
            ulong cap = r.Capacity;
            for (ulong start = 0; start < cap; start += Chunk)
            {
                int len = (int)Math.Min((ulong)Chunk, cap - start);
                Span<byte> b = r.Bytes((long)start, len);
                long bas = (long)start;
                for (int i = 0; i < len; i++)
                {
                    byte p = Pattern(seed, bas + i);
                    byte want = reply ? (byte)(255 - p) : p;
                    if (b[i] != want)
                        return "byte " + (bas + i) + " is " + b[i] + ", expected " + want;
                }
            }
            return null;
        }

        private static string TimedOut()
        {
            return "FAIL " + ZincErrorCode.ETIMEDOUT + " " + ZincException.Describe(ZincErrorCode.ETIMEDOUT);
        }

        private static void Writer(string name, ulong capacity, int seed, bool noreply)
        {
            string result;
            using (var r = SharedRegion.Create(name, capacity))
            {
                Say("READY");
                string go = _in.ReadLine();
                if (go == null) { Say("FAIL stdin closed before GO"); return; }
                Fill(r, seed, false);
                r.Notify();
                result = noreply ? "PASS" : AwaitReply(r, seed);
            }
            Say(result);
        }

        // A handle also sees its own Notify (SPEC §6: Wait returns once the counter differs from
        // the value this handle last saw), so the first wake-up may be the writer's own signal. If
        // the reply is not complete then, wait once more: the second wake-up is the reader's
        // notification, after which the data is final. 30 s in all.
        private static string AwaitReply(SharedRegion r, int seed)
        {
            var clock = Stopwatch.StartNew();
            for (int wakes = 1; ; wakes++)
            {
                long left = 30000 - clock.ElapsedMilliseconds;
                if (left <= 0 || !r.Wait((int)left)) return TimedOut();
                string bad = Check(r, seed, true);
                if (bad == null) return "PASS";
                if (wakes >= 2) return "FAIL reply " + bad;
            }
        }

        private static void Reader(string name, int seed, bool noreply)
        {
            string result;
            using (var r = SharedRegion.Open(name))
            {
                Say("OPENED");
                if (!r.Wait(30000)) result = TimedOut();
                else
                {
                    string bad = Check(r, seed, false);
                    if (bad != null) result = "FAIL pattern " + bad;
                    else
                    {
                        if (!noreply)
                        {
                            Fill(r, seed, true);
                            r.Notify();
                        }
                        result = "PASS";
                    }
                }
            }
            Say(result);
        }

        private static void Checksum(string name)
        {
            string result;
            using (var r = SharedRegion.Open(name))
            {
                Say("OPENED");
                if (!r.Wait(30000)) result = TimedOut();
                else
                {
                    double sum = 0;
                    ulong count = r.Capacity / 4;
                    const int window = 1 << 28; // floats per span
                    for (ulong start = 0; start < count; start += window)
                    {
                        int n = (int)Math.Min((ulong)window, count - start);
                        Span<float> f = r.AsSpan<float>((long)(start * 4), n);
                        if (BitConverter.IsLittleEndian)
                        {
                            for (int i = 0; i < n; i++) sum += f[i];
                        }
                        else
                        {
                            Span<byte> b = r.Bytes((long)(start * 4), n * 4);
                            var tmp = new byte[4];
                            for (int i = 0; i < n; i++)
                            {
                                for (int k = 0; k < 4; k++) tmp[k] = b[i * 4 + 3 - k];
                                sum += BitConverter.ToSingle(tmp, 0);
                            }
                        }
                    }
                    long ns = (DateTime.UtcNow.Ticks - UnixEpochTicks) * 100;
                    string s = Math.Abs(sum) < 9e18 ? ((long)sum).ToString(CultureInfo.InvariantCulture)
                                                    : sum.ToString("F0", CultureInfo.InvariantCulture);
                    result = "CHECKSUM " + s + " " + ns.ToString(CultureInfo.InvariantCulture);
                }
            }
            Say(result);
        }

        private static readonly long UnixEpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        private static void Errors()
        {
            int pid = Process.GetCurrentProcess().Id;
            Say("create_bad_name " + Failure(() => SharedRegion.Create("bad/name", 4096)));
            Say("create_bad_size " + Failure(() => SharedRegion.Create("zinc_parity_" + pid, 1000)));
            Say("open_missing " + Failure(() => SharedRegion.Open("zinc_parity_missing_" + pid)));
            Say("open_nul_name " + Failure(() => SharedRegion.Open("zinc\0nul")));
            Say("wait_closed " + Failure(() =>
            {
                var r = SharedRegion.Create("zinc_parity_closed_" + pid, 4096);
                r.Dispose();
                r.Wait(0);
                return r;
            }));
            Say("double_close " + Failure(() =>
            {
                var r = SharedRegion.Create("zinc_parity_dc_" + pid, 4096);
                r.Dispose();
                r.Dispose();
                return null;
            }, ZincErrorCode.Ok));
            Say("DONE");
        }

        // "<code> <message>" of the ZincException a call raised; a call that raises nothing is
        // "0 <the core's text for 0>" when success was expected, otherwise a failure.
        private static string Failure(Func<SharedRegion> call, int expected = int.MinValue)
        {
            try
            {
                SharedRegion r = call();
                if (r != null) r.Dispose();
                return expected == ZincErrorCode.Ok ? ZincErrorCode.Ok + " " + ZincException.Describe(ZincErrorCode.Ok) : "0 unexpectedly succeeded";
            }
            catch (ZincException e)
            {
                return e.Code + " " + e.Message;
            }
        }

        // What the adapter itself declares: its code constants (ZincErrorCode, and WaitForever as
        // the core receives it), the message of its exception for each code, and the signature of
        // each DllImport of "zinc_core" in Zinc.Native, read by reflection.
        private static void Abi()
        {
            foreach (FieldInfo f in typeof(ZincErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
                Say("const ZINC_" + f.Name.ToUpperInvariant() + " " + f.GetRawConstantValue());
            Say("const ZINC_WAIT_FOREVER " + unchecked((uint)SharedRegion.WaitForever));
            foreach (int code in new[] { -1, -2, -9, -11, -17, -22, -28, -74, -110 })
                Say("message " + code + " " + new ZincException(code).Message);
            Type native = typeof(SharedRegion).Assembly.GetType("Zinc.Native", true);
            foreach (MethodInfo m in native.GetMethods(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static))
            {
                var import = (DllImportAttribute)m.GetCustomAttributes(typeof(DllImportAttribute), false).FirstOrDefault();
                if (import == null || import.Value != "zinc_core") continue;
                string entry = string.IsNullOrEmpty(import.EntryPoint) ? m.Name : import.EntryPoint;
                Say("fn " + entry + " " + AbiType(m.ReturnType) + string.Concat(m.GetParameters().Select(p => " " + AbiType(p.ParameterType))));
            }
            Say("DONE");
        }

        private static string AbiType(Type t)
        {
            if (t == typeof(void)) return "void";
            if (t == typeof(int)) return "i32";
            if (t == typeof(uint)) return "u32";
            if (t == typeof(UIntPtr)) return "usize";
            if (t == typeof(IntPtr) || t.IsByRef || t.IsArray || t.IsPointer || t == typeof(string)) return "ptr";
            throw new NotSupportedException("no C type for " + t);
        }
    }
}
