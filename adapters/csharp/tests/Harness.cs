// Small self-contained test harness: assertions, unique names, /dev/shm helpers, and a peer
// process driver (the runner re-executes itself as `mono ZincTests.exe peer ...`).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Zinc;

namespace Zinc.Tests
{
    internal sealed class TestFailure : Exception
    {
        public TestFailure(string message) : base(message) { }
    }

    internal static class T
    {
        private static int _counter;

        public static readonly string Prefix = "t_cs_" + Process.GetCurrentProcess().Id + "_";

        /// <summary>A region name unique to this run: t_cs_&lt;pid&gt;_&lt;counter&gt;.</summary>
        public static string Name()
        {
            return Prefix + System.Threading.Interlocked.Increment(ref _counter);
        }

        public static string ShmPath(string name)
        {
            return "/dev/shm/zinc_" + name;
        }

        public static bool Exists(string name)
        {
            return File.Exists(ShmPath(name));
        }

        public static void True(bool cond, string what)
        {
            if (!cond) throw new TestFailure(what);
        }

        public static void Equal<TV>(TV expected, TV actual, string what)
        {
            if (!EqualityComparer<TV>.Default.Equals(expected, actual))
                throw new TestFailure(what + ": expected <" + expected + ">, got <" + actual + ">");
        }

        public static TEx Throws<TEx>(Action action, string what) where TEx : Exception
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                if (e.GetType() == typeof(TEx)) return (TEx)e;
                throw new TestFailure(what + ": expected " + typeof(TEx).Name + ", got " + e.GetType().Name + ": " + e.Message);
            }
            throw new TestFailure(what + ": expected " + typeof(TEx).Name + ", nothing was thrown");
        }

        /// <summary>Expects a ZincException with this code whose message is exactly the core's text.</summary>
        public static ZincException ThrowsZinc(int code, Action action, string what)
        {
            ZincException e = Throws<ZincException>(action, what);
            Equal(code, e.Code, what + " (code)");
            Equal(RawStrError(code), e.Message, what + " (message)");
            True(e is InvalidOperationException, what + ": ZincException must be an InvalidOperationException");
            return e;
        }

        // A direct P/Invoke, independent of the adapter's own marshalling, to cross-check messages.
        [DllImport("zinc_core", EntryPoint = "zinc_strerror")]
        private static extern IntPtr zinc_strerror_raw(int code);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public static string RawStrError(int code)
        {
            IntPtr p = zinc_strerror_raw(code);
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            byte[] b = new byte[n];
            Marshal.Copy(p, b, 0, n);
            return Encoding.UTF8.GetString(b);
        }

        public static byte Pattern(int seed, long i)
        {
            return (byte)(((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFF);
        }

        public static byte Reply(int seed, long i)
        {
            return (byte)(255 - Pattern(seed, i));
        }

        /// <summary>
        /// After this handle's own Notify, waits (30 s in all) until every byte is the reply. The
        /// first wake-up may be our own notification (a handle sees its own Notify, SPEC §6); the
        /// second is the peer's, after which the data must be final.
        /// </summary>
        public static void AwaitReply(SharedRegion r, int seed)
        {
            var clock = Stopwatch.StartNew();
            for (int wakes = 1; ; wakes++)
            {
                long left = 30000 - clock.ElapsedMilliseconds;
                if (left <= 0 || !r.Wait((int)left)) throw new TestFailure("no reply notification within 30 s");
                Span<byte> b = r.Bytes();
                int bad = -1;
                for (int i = 0; i < b.Length; i++)
                    if (b[i] != Reply(seed, i)) { bad = i; break; }
                if (bad < 0) return;
                if (wakes >= 2) throw new TestFailure("reply byte " + bad + " = " + b[bad]);
            }
        }

        public static string MonoPath()
        {
            try
            {
                string p = Process.GetCurrentProcess().MainModule.FileName;
                if (!string.IsNullOrEmpty(p) && File.Exists(p)) return p;
            }
            catch (Exception) { }
            return "mono";
        }

        public static string SelfPath()
        {
            return Assembly.GetExecutingAssembly().Location;
        }
    }

    /// <summary>A child process `mono ZincTests.exe peer ...` driven line by line over stdin/stdout.</summary>
    internal sealed class Peer : IDisposable
    {
        private readonly Process _p;
        private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();
        private readonly StringBuilder _stderr = new StringBuilder();

        private Peer(Process p)
        {
            _p = p;
        }

        public int Pid { get { return _p.Id; } }

        /// <summary>Starts a peer; <paramref name="env"/> entries with a null value are removed from its environment.</summary>
        public static Peer Start(string args, IDictionary<string, string> env = null, string wrapper = null)
        {
            return StartExe(T.SelfPath(), "peer " + args, env, wrapper);
        }

        /// <summary>Starts `mono EXE ARGS` (optionally behind a wrapper command such as setpriv).</summary>
        public static Peer StartExe(string exe, string args, IDictionary<string, string> env = null, string wrapper = null, string cwd = null)
        {
            var psi = new ProcessStartInfo();
            if (cwd != null) psi.WorkingDirectory = cwd;
            string mono = T.MonoPath();
            string cmd = "\"" + exe + "\" " + args;
            if (wrapper != null)
            {
                psi.FileName = wrapper.Split(' ')[0];
                psi.Arguments = wrapper.Substring(psi.FileName.Length).Trim() + " \"" + mono + "\" " + cmd;
            }
            else
            {
                psi.FileName = mono;
                psi.Arguments = cmd;
            }
            psi.UseShellExecute = false;
            psi.RedirectStandardInput = true;
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            if (env != null)
            {
                foreach (var kv in env)
                {
                    if (kv.Value == null) psi.EnvironmentVariables.Remove(kv.Key);
                    else psi.EnvironmentVariables[kv.Key] = kv.Value;
                }
            }
            var p = Process.Start(psi);
            var peer = new Peer(p);
            p.OutputDataReceived += (s, e) => { if (e.Data != null) peer._lines.Add(e.Data); else peer._lines.CompleteAdding(); };
            p.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (peer._stderr) peer._stderr.AppendLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return peer;
        }

        public string ReadLine(int timeoutMs = 30000)
        {
            string line;
            try
            {
                if (_lines.TryTake(out line, timeoutMs)) return line;
            }
            catch (InvalidOperationException) { }
            throw new TestFailure("peer " + Pid + " printed nothing more within " + timeoutMs + " ms (stderr: " + Stderr() + ")");
        }

        public void Expect(string expected, int timeoutMs = 30000)
        {
            string line = ReadLine(timeoutMs);
            if (line != expected)
                throw new TestFailure("peer said '" + line + "', expected '" + expected + "' (stderr: " + Stderr() + ")");
        }

        public void Send(string line)
        {
            _p.StandardInput.WriteLine(line);
            _p.StandardInput.Flush();
        }

        public int WaitExit(int timeoutMs = 30000)
        {
            if (!_p.WaitForExit(timeoutMs)) throw new TestFailure("peer " + Pid + " did not exit");
            _p.WaitForExit(); // drain the asynchronous readers
            return _p.ExitCode;
        }

        public void Kill()
        {
            _p.Kill(); // SIGKILL on Mono/.NET: the process dies at once, without cleanup
            _p.WaitForExit();
        }

        public string Stderr()
        {
            lock (_stderr) return _stderr.ToString().Trim();
        }

        public void Dispose()
        {
            try
            {
                if (!_p.HasExited) { _p.Kill(); _p.WaitForExit(); }
            }
            catch (Exception) { }
            _p.Dispose();
        }
    }
}
