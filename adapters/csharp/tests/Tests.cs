// The C# adapter's test suite: `mono bin/ZincTests.exe [name-filter]`.
// The last line is exactly "N passed, M failed"; the exit status is non-zero on any failure.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using NUnit.Framework;
using Zinc;

namespace Zinc.Tests
{
    internal struct Pair
    {
        public int A;
        public short B;
    }

    internal struct WithReference
    {
        public string S;
        public int N;
    }

    internal static class Program
    {
        // `mono ZincTests.exe peer ...` is the second process of the cross-process tests;
        // the tests themselves run under NUnit: nunit-console ZincTests.exe (build.sh test).
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "peer") return PeerMain.Run(args);
            Console.Error.WriteLine("usage: mono ZincTests.exe peer ...; run the tests with nunit-console ZincTests.exe");
            return 2;
        }
    }

    [TestFixture]
    public class RegionTests
    {
        private const ulong Page = 4096;

        [TestFixtureSetUp]
        public void LoadCore()
        {
            ZincException.Describe(0); // binds DllImport("zinc_core") for the raw calls of T too
        }

        // ---------------------------------------------------------------- views and zero copy

        [Test]
        public void CreateOpenZeroCopy()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, 2 * Page))
            using (var r = SharedRegion.Open(name))
            {
                T.Equal(2 * Page, w.Capacity, "creator capacity");
                T.Equal(2 * Page, r.Capacity, "opener capacity");
                T.Equal(name, r.Name, "name");
                T.True(T.Exists(name), "the object is /dev/shm/zinc_<name>");
                Span<byte> wb = w.Bytes(), rb = r.Bytes();
                T.Equal((int)(2 * Page), wb.Length, "Bytes() covers the whole data area");
                for (int i = 0; i < wb.Length; i++) wb[i] = T.Pattern(7, i);
                for (int i = 0; i < rb.Length; i++)
                    if (rb[i] != T.Pattern(7, i)) throw new TestFailure("opener sees byte " + i + " = " + rb[i]);
                rb[100] = 0xAB;
                T.Equal((byte)0xAB, wb[100], "a write through the opener's span is seen by the creator's span");
                T.True(w.ToString().Contains(name), "ToString names the region");
            }
            T.True(!T.Exists(name), "the name is removed after both handles are disposed");
        }

        [Test]
        public void NativePointerAndFile()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            {
                Span<byte> b = w.Bytes();
                Marshal.WriteByte(w.Pointer, 5, 0x5A);
                T.Equal((byte)0x5A, b[5], "native pointer write visible in the span");
                b[6] = 0xC3;
                T.Equal((byte)0xC3, Marshal.ReadByte(w.Pointer, 6), "span write visible through the native pointer");
                b[Page - 1 > int.MaxValue ? 0 : (int)(Page - 1)] = 0x99;
                // An independent path to the same pages: the object in /dev/shm (64-byte header first).
                byte[] file = File.ReadAllBytes(T.ShmPath(name));
                T.Equal((int)(64 + Page), file.Length, "object size is 64 + capacity");
                T.Equal((byte)0x5A, file[64 + 5], "file byte 69");
                T.Equal((byte)0xC3, file[64 + 6], "file byte 70");
                T.Equal((byte)0x99, file[64 + (int)Page - 1], "last data byte");
                T.Equal(0x5A494E435F524547UL, BitConverter.ToUInt64(file, 0), "header magic precedes the data area");
                T.Equal(0L, w.Pointer.ToInt64() % 64, "data area is 64-byte aligned");
            }
        }

        [Test]
        public void TypedSpans()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            {
                Span<int> ints = w.AsSpan<int>();
                T.Equal((int)(Page / 4), ints.Length, "AsSpan<int> length");
                ints[1] = 0x11223344;
                byte[] expect = BitConverter.GetBytes(0x11223344);
                Span<byte> b = w.Bytes();
                for (int i = 0; i < 4; i++) T.Equal(expect[i], b[4 + i], "int bytes in native order");
                Span<double> d = w.AsSpan<double>(16, 2);
                d[1] = 1.5;
                T.Equal(1.5, BitConverter.ToDouble(b.Slice(24, 8).ToArray(), 0), "windowed AsSpan<double>");
                T.Equal((int)(Page / 8), w.AsSpan<Pair>().Length, "struct element size follows sizeof");
                T.Throws<ArgumentException>(() => w.AsSpan<WithReference>(), "a type with references is refused");
                T.Throws<ArgumentOutOfRangeException>(() => w.AsSpan<long>((long)Page - 8, 2), "typed window past the end");
            }
        }

        [Test]
        public void WindowedViews()
        {
            string name = T.Name();
            ulong cap = 3 * Page;
            using (var w = SharedRegion.Create(name, cap))
            {
                Span<byte> win = w.Bytes(4096, 10);
                T.Equal(10, win.Length, "window length");
                win[3] = 77;
                T.Equal((byte)77, w.Bytes()[4096 + 3], "window aliases the region");
                T.Equal(0, w.Bytes((long)cap, 0).Length, "empty window at the end");
                T.Equal((int)cap, w.Bytes(0, (int)cap).Length, "window of everything");
                T.Throws<ArgumentOutOfRangeException>(() => w.Bytes(-1, 1), "negative offset");
                T.Throws<ArgumentOutOfRangeException>(() => w.Bytes(0, -1), "negative length");
                T.Throws<ArgumentOutOfRangeException>(() => w.Bytes((long)cap - 1, 2), "window past the end");
                T.Throws<ArgumentOutOfRangeException>(() => w.Bytes((long)cap + 1, 0), "offset past the end");
                T.Throws<ArgumentOutOfRangeException>(() => w.Bytes(long.MaxValue, int.MaxValue), "overflowing window");
            }
        }

        [Test]
        public void RegionOver2GiB()
        {
            string name = T.Name();
            ulong cap = (1UL << 31) + Page; // 2 GiB + 4 KiB: past Span<byte>'s int.MaxValue limit
            using (var w = SharedRegion.Create(name, cap))
            using (var r = SharedRegion.Open(name))
            {
                T.Equal(cap, w.Capacity, "capacity beyond 2 GiB");
                var e = T.Throws<InvalidOperationException>(() => w.Bytes(), "whole Span<byte> of more than 2 GiB");
                T.True(e.Message.Contains("Bytes(offset, length)"), "the error points to windowed views: " + e.Message);
                T.Throws<InvalidOperationException>(() => w.AsSpan<byte>(), "AsSpan<byte> has the same limit");
                T.Equal((int)(cap / 8), w.AsSpan<long>().Length, "a wider element type still fits one span");
                long off = 1L << 31; // beyond what an int offset can address
                Span<byte> hi = w.Bytes(off, 4096);
                hi[0] = 0xEE;
                hi[4095] = 0xEF;
                T.Equal((byte)0xEE, Marshal.ReadByte(new IntPtr(w.Pointer.ToInt64() + off)), "window at 2 GiB is the mapping");
                T.Equal((byte)0xEF, r.Bytes((long)cap - 1, 1)[0], "opener's window sees the last byte");
                T.Throws<ArgumentOutOfRangeException>(() => w.Bytes((long)cap - 4095, 4096), "window past a >2 GiB end");
            }
            T.True(!T.Exists(name), "big region removed");
        }

        // ---------------------------------------------------------------- error paths

        [Test]
        public void ErrorAlreadyExists()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            {
                var e = T.ThrowsZinc(ZincErrorCode.EEXIST, () => SharedRegion.Create(name, Page), "create twice");
                T.Equal("EEXIST", e.ErrorName, "symbolic name");
                T.Equal((byte)0, w.Bytes()[0], "the live region is untouched");
            }
        }

        [Test]
        public void ErrorInvalidNames()
        {
            string[] bad = { "bad/name", "", new string('a', 251), "h\u00e9llo", "a b", "dot.name" };
            foreach (string n in bad)
            {
                string shown = n.Length > 20 ? n.Substring(0, 20) + "..." : n;
                T.ThrowsZinc(ZincErrorCode.EINVAL, () => SharedRegion.Create(n, Page), "create('" + shown + "')");
                T.ThrowsZinc(ZincErrorCode.EINVAL, () => SharedRegion.Open(n), "open('" + shown + "')");
            }
            // The longest valid name (250 bytes) goes through the adapter untouched.
            string longest = T.Prefix + new string('x', 250 - T.Prefix.Length);
            using (var r = SharedRegion.Create(longest, Page))
                T.True(T.Exists(longest), "250-byte name creates /dev/shm/zinc_<name>");
            T.True(!T.Exists(longest), "250-byte name removed");
        }

        [Test]
        public void ErrorInvalidSizes()
        {
            foreach (ulong cap in new ulong[] { 0, 1, 1000, Page + 1, 3 * Page - 1 })
            {
                string name = T.Name();
                T.ThrowsZinc(ZincErrorCode.EINVAL, () => SharedRegion.Create(name, cap), "create with capacity " + cap);
                T.True(!T.Exists(name), "a failed create leaves nothing behind (capacity " + cap + ")");
            }
        }

        [Test]
        public void ErrorOpenMissing()
        {
            string name = T.Name();
            var e = T.ThrowsZinc(ZincErrorCode.ENOENT, () => SharedRegion.Open(name), "open of a missing name");
            T.Equal("ENOENT", e.ErrorName, "symbolic name");
        }

        [Test]
        public void ErrorCorrupted()
        {
            // A live region whose header gets scribbled on: openers must refuse it, not crash.
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            {
                using (var fs = new FileStream(T.ShmPath(name), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
                {
                    fs.Write(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 0, 8); // bad magic
                }
                T.ThrowsZinc(ZincErrorCode.EBADMSG, () => SharedRegion.Open(name), "open with a bad magic");
            }
            T.True(!T.Exists(name), "the corrupted region is still removed by its creator");
        }

        [Test]
        public void ErrorPermissionDenied()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            {
                if (geteuid() == 0)
                {
                    // root bypasses file modes: open from a peer running as 'nobody' (region mode 0600).
                    // The peer runs from a world-readable copy of the binaries and of the core, as the
                    // checkout itself may sit in a directory that 'nobody' cannot enter.
                    string tmp = CopyBinaries(true);
                    try
                    {
                        var env = new Dictionary<string, string>
                        {
                            { "HOME", tmp }, { "ZINC_LIB", Path.Combine(tmp, "libzinc_core.so") },
                        };
                        using (var p = Peer.StartExe(Path.Combine(tmp, "ZincTests.exe"), "peer open " + name, env,
                                                     "setpriv --reuid=65534 --regid=65534 --clear-groups"))
                        {
                            p.Expect("ERR " + ZincErrorCode.EPERM + " " + T.RawStrError(ZincErrorCode.EPERM));
                            T.Equal(0, p.WaitExit(), "peer exit status");
                        }
                    }
                    finally
                    {
                        Directory.Delete(tmp, true);
                    }
                }
                else
                {
                    chmod(T.ShmPath(name), 0);
                    T.ThrowsZinc(ZincErrorCode.EPERM, () => SharedRegion.Open(name), "open of a mode-000 region");
                }
            }
            T.True(!T.Exists(name), "removed");
        }

        private static int _copies;

        /// <summary>A world-readable temporary copy of the test binaries (and of the core if asked).</summary>
        private static string CopyBinaries(bool withCore)
        {
            string tmp = Path.Combine(Path.GetTempPath(), "zinc_cs_" + System.Diagnostics.Process.GetCurrentProcess().Id + "_" + (++_copies));
            Directory.CreateDirectory(tmp);
            Directory.CreateDirectory(Path.Combine(tmp, "cwd"));
            Directory.CreateDirectory(Path.Combine(tmp, "broken"));
            chmod(tmp, Convert.ToUInt32("755", 8));
            string bin = Path.GetDirectoryName(T.SelfPath());
            var files = new List<string> { Path.Combine(bin, "Zinc.dll"), Path.Combine(bin, "ZincTests.exe") };
            if (withCore) files.Add(Environment.GetEnvironmentVariable("ZINC_LIB"));
            foreach (string f in files)
            {
                string dst = Path.Combine(tmp, Path.GetFileName(f));
                File.Copy(f, dst, true);
                chmod(dst, Convert.ToUInt32("755", 8));
            }
            return tmp;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);

        [DllImport("libc")]
        private static extern uint geteuid();

        [Test]
        public void ErrorHugeCapacity()
        {
            // 2^62 bytes cannot be reserved: the core reports an OS error (a negative errno).
            string name = T.Name();
            var e = T.Throws<ZincException>(() => SharedRegion.Create(name, 1UL << 62), "create of 4 EiB");
            T.True(e.Code < 0, "negative code");
            T.Equal(T.RawStrError(e.Code), e.Message, "message is the core's text");
            T.True(!T.Exists(name), "a failed create leaves nothing behind");
        }

        [Test]
        public void ErrorArguments()
        {
            T.Throws<ArgumentNullException>(() => SharedRegion.Create(null, Page), "null name to Create");
            T.Throws<ArgumentNullException>(() => SharedRegion.Open(null), "null name to Open");
            string name = T.Name();
            // A C string ends at NUL: "abc\0def" must not silently become "abc".
            T.ThrowsZinc(ZincErrorCode.EINVAL, () => SharedRegion.Create(name + "\0tail", Page), "NUL inside a name to Create");
            T.True(!T.Exists(name), "nothing created under the truncated name");
            T.ThrowsZinc(ZincErrorCode.EINVAL, () => SharedRegion.Open("zinc\0nul"), "NUL inside a name to Open");
            using (var w = SharedRegion.Create(name, Page))
            {
                T.Throws<ArgumentOutOfRangeException>(() => w.Wait(-2), "negative timeout other than -1");
                T.Throws<ArgumentOutOfRangeException>(() => w.Wait(int.MinValue), "int.MinValue timeout");
            }
        }

        [Test]
        public void ErrorMessages()
        {
            foreach (int code in new[] { 0, -1, -2, -9, -11, -17, -22, -28, -74, -110, -9999 })
            {
                var e = new ZincException(code);
                T.Equal(T.RawStrError(code), e.Message, "message of " + code);
                T.Equal(T.RawStrError(code), ZincException.Describe(code), "Describe(" + code + ")");
                T.True(e.Message.Length > 0, "non-empty message for " + code);
            }
            T.Equal("ETIMEDOUT", new ZincException(-110).ErrorName, "ETIMEDOUT name");
            T.Equal("E28", new ZincException(-28).ErrorName, "errno name");
            T.Equal("EBADF", new ZincException(-9).ErrorName, "EBADF name");
        }

        // ---------------------------------------------------------------- notify / wait

        [Test]
        public void WaitTimeouts()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            using (var r = SharedRegion.Open(name))
            {
                T.Equal(false, r.Wait(0), "poll without a notification");
                T.Equal(false, r.Wait(20), "short wait times out");
                T.Equal(false, r.Wait(250), "a longer wait times out");
                T.Equal(false, w.Wait(0), "creator poll without a notification");
                w.Notify();
                w.Notify();
                w.Notify();
                T.Equal(true, r.Wait(0), "a notification since the last wait returns at once");
                T.Equal(false, r.Wait(0), "notifications coalesce: one wait consumes them all");
                T.Equal(true, w.Wait(0), "the notifier's own handle also sees the counter move");
                r.Notify();
                T.Equal(true, w.Wait(SharedRegion.WaitForever), "WaitForever returns on a pending notification");
            }
        }

        [Test]
        public void SeveralHandles()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            using (var a = SharedRegion.Open(name))
            using (var b = SharedRegion.Open(name))
            {
                { Span<byte> s_ = a.Bytes(); s_[1] = 9; }
                T.Equal((byte)9, b.Bytes()[1], "two openers share the pages");
                w.Notify();
                T.True(a.Wait(0) && b.Wait(0), "one notify reaches every handle");
                a.Dispose();
                T.True(T.Exists(name), "an opener's dispose keeps the region");
                T.Equal((byte)9, b.Bytes()[1], "other handles keep working");
            }
        }

        // ---------------------------------------------------------------- two processes

        [Test]
        public void CrossProcessReader()
        {
            string name = T.Name();
            const int seed = 31;
            using (var w = SharedRegion.Create(name, 3 * Page))
            using (var p = Peer.Start("reader " + name + " " + seed))
            {
                p.Expect("OPENED");
                Span<byte> b = w.Bytes();
                for (int i = 0; i < b.Length; i++) b[i] = T.Pattern(seed, i);
                w.Notify();
                T.AwaitReply(w, seed);
                p.Expect("PASS");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
            T.True(!T.Exists(name), "removed");
        }

        [Test]
        public void CrossProcessWriter()
        {
            string name = T.Name();
            const int seed = 200;
            using (var p = Peer.Start("writer " + name + " " + (5 * Page) + " " + seed))
            {
                p.Expect("READY");
                using (var r = SharedRegion.Open(name))
                {
                    T.Equal(5 * Page, r.Capacity, "capacity seen by the opener");
                    p.Send("GO");
                    T.True(r.Wait(30000), "the writer's notification arrives");
                    Span<byte> b = r.Bytes();
                    for (int i = 0; i < b.Length; i++)
                        if (b[i] != T.Pattern(seed, i)) throw new TestFailure("pattern byte " + i + " = " + b[i]);
                    for (int i = 0; i < b.Length; i++) b[i] = T.Reply(seed, i);
                    r.Notify();
                    p.Expect("PASS");
                    T.Equal(0, p.WaitExit(), "peer exit status");
                    T.True(T.Exists(name), "the writer exited but this opener still holds the region");
                }
            }
            T.True(!T.Exists(name), "the last handle out removed the region");
        }

        [Test]
        public void CrossProcessWakesWaiter()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            using (var p = Peer.Start("waiter " + name + " 30000"))
            {
                p.Expect("OPENED");
                Thread.Sleep(200); // let the peer park in the kernel (not an assertion on timing)
                w.Notify();
                p.Expect("WAIT notified");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
        }

        [Test]
        public void CrossProcessPeerNotifies()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            using (var p = Peer.Start("notify " + name))
            {
                p.Expect("OPENED");
                T.Equal(false, w.Wait(0), "nothing yet");
                p.Send("GO");
                T.True(w.Wait(30000), "the peer's notify wakes this process");
                p.Expect("NOTIFIED");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
        }

        [Test]
        public void CrossProcessWaitTimeout()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            using (var p = Peer.Start("waiter " + name + " 100"))
            {
                p.Expect("OPENED");
                p.Expect("WAIT timeout");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
        }

        [Test]
        public void OwnershipCreatorFirst()
        {
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            { Span<byte> s_ = w.Bytes(); s_[0] = 17; }
            using (var p = Peer.Start("hold-open " + name))
            {
                p.Expect("OPENED 17");
                w.Dispose();
                T.True(T.Exists(name), "the creator closed but an opener lives: the name stays");
                w.Dispose(); // idempotent
                p.Send("byte 0");
                p.Expect("BYTE 17");
                p.Send("close");
                p.Expect("CLOSED");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
            T.True(!T.Exists(name), "the last opener out removed the region");
        }

        [Test]
        public void OwnershipOpenerCannotRemove()
        {
            string name = T.Name();
            using (var p = Peer.Start("hold-create " + name + " 4096"))
            {
                p.Expect("READY");
                for (int k = 0; k < 3; k++)
                {
                    using (var r = SharedRegion.Open(name))
                        T.Equal((byte)42, r.Bytes()[0], "opener sees the creator's byte");
                    T.True(T.Exists(name), "an opener's close never removes the creator's region");
                }
                T.ThrowsZinc(ZincErrorCode.EEXIST, () => SharedRegion.Create(name, Page), "name held by a live creator");
                p.Send("close");
                p.Expect("CLOSED");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
            T.True(!T.Exists(name), "the creator's close removed it");
        }

        [Test]
        public void CrashReclaim()
        {
            string name = T.Name();
            using (var p = Peer.Start("hold-create " + name + " 4096"))
            {
                p.Expect("READY");
                p.Kill();
            }
            T.ThrowsZinc(ZincErrorCode.ENOENT, () => SharedRegion.Open(name), "open of a region whose every handle died");
            using (var w = SharedRegion.Create(name, 2 * Page))
            {
                T.Equal(2 * Page, w.Capacity, "create reclaimed the stale name");
                T.Equal((byte)0, w.Bytes()[0], "fresh contents");
            }
            T.True(!T.Exists(name), "removed");
        }

        [Test]
        public void CrashCreatorWithOpener()
        {
            string name = T.Name();
            SharedRegion r;
            using (var p = Peer.Start("hold-create " + name + " 4096"))
            {
                p.Expect("READY");
                r = SharedRegion.Open(name);
                p.Kill();
            }
            using (r)
            {
                T.Equal((byte)42, r.Bytes()[0], "the opener's mapping survives the creator's death");
                { Span<byte> s_ = r.Bytes(); s_[1] = 1; }
                r.Notify();
                T.True(r.Wait(0), "notify/wait still work");
                T.True(T.Exists(name), "kept while the opener lives");
            }
            T.True(!T.Exists(name), "removed when the last opener closed");
        }

        // ---------------------------------------------------------------- lifetime

        [Test]
        public void UseAfterDispose()
        {
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            w.Dispose();
            T.True(w.IsDisposed, "IsDisposed");
            T.True(!T.Exists(name), "disposed creator removed the name");
            const int closed = ZincErrorCode.EBADF;
            T.ThrowsZinc(closed, () => w.Wait(0), "Wait(0)");
            T.ThrowsZinc(closed, () => w.Wait(SharedRegion.WaitForever), "Wait(forever)");
            T.ThrowsZinc(closed, () => { var p = w.Pointer; }, "Pointer");
            T.ThrowsZinc(closed, () => w.Bytes(), "Bytes()");
            T.ThrowsZinc(closed, () => w.Bytes(0, 1), "Bytes(offset, length)");
            T.ThrowsZinc(closed, () => w.AsSpan<int>(), "AsSpan<int>()");
            T.ThrowsZinc(closed, () => w.AsSpan<int>(0, 1), "AsSpan<int>(offset, count)");
            T.ThrowsZinc(closed, () => w.Acquire(), "Acquire()");
            T.Equal(0UL, w.Capacity, "Capacity of a closed handle is 0");
            w.Notify(); // a no-op, like zinc_notify on a closed handle
            w.Dispose(); // double dispose is a no-op
            T.Equal(name, w.Name, "Name stays readable");
            T.True(w.ToString().Contains("disposed"), "ToString says disposed");
        }

        [Test]
        public void LeaseDefersUnmap()
        {
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            RegionLease lease = w.Acquire();
            T.True(lease.Region == w, "the lease knows its region");
            Span<byte> view = lease.Bytes();
            view[0] = 1;
            T.Equal((byte)1, w.Bytes()[0], "the lease maps the same pages");
            w.Dispose();
            T.True(w.IsDisposed, "the region is disposed");
            T.ThrowsZinc(ZincErrorCode.EBADF, () => w.Bytes(), "no new views from a disposed region");
            T.True(T.Exists(name), "a live lease keeps the mapping (and so the region) alive");
            view[1] = 2; // still mapped: no crash
            T.Equal((byte)2, lease.Bytes()[1], "the lease's views stay valid");
            T.Equal((int)Page / 4, lease.AsSpan<int>().Length, "typed lease view");
            T.Equal((byte)1, lease.Bytes(0, 1)[0], "windowed lease view");
            T.Equal(Page, lease.Capacity, "lease capacity");
            using (var p = Peer.Start("open " + name))
            {
                p.Expect("OK " + Page);
                p.WaitExit();
            }
            lease.Dispose();
            T.True(!T.Exists(name), "the last lease out closed its handle and removed the region");
            T.ThrowsZinc(ZincErrorCode.EBADF, () => lease.Bytes(), "a disposed lease gives no views");
            lease.Dispose(); // idempotent
            using (var w2 = SharedRegion.Create(name, Page))
            using (var l1 = w2.Acquire())
            using (var l2 = w2.Acquire())
            {
                w2.Dispose();
                l1.Dispose();
                T.True(T.Exists(name), "one lease left");
                T.Equal((byte)0, l2.Bytes()[0], "the remaining lease works");
            }
            T.True(!T.Exists(name), "removed after the last lease");
        }

        [Test]
        public void DisposeWhileWaiting()
        {
            // The core wakes a waiter when its handle is closed: the wait ends with -9, promptly.
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            Exception outcome = null;
            bool returned = false;
            var started = new ManualResetEventSlim(false);
            var th = new Thread(() =>
            {
                started.Set();
                try
                {
                    returned = w.Wait(Timeout.Infinite);
                }
                catch (Exception e)
                {
                    outcome = e;
                }
            });
            th.Start();
            started.Wait();
            Thread.Sleep(100); // let the waiter park in the kernel (not an assertion on timing)
            var clock = System.Diagnostics.Stopwatch.StartNew();
            w.Dispose();
            T.True(th.Join(2000), "the waiter returned within 2 s of Dispose (it took longer than " + clock.ElapsedMilliseconds + " ms)");
            T.True(!returned, "the wait did not report a notification");
            var z = outcome as ZincException;
            T.True(z != null, "the waiter got a ZincException, not " + outcome);
            T.Equal(ZincErrorCode.EBADF, z.Code, "code");
            T.Equal(T.RawStrError(ZincErrorCode.EBADF), z.Message, "message");
            T.True(!T.Exists(name), "the region was closed and removed");
            T.ThrowsZinc(ZincErrorCode.EBADF, () => w.Wait(0), "later waits fail clearly");
        }

        [Test]
        public void FinalizerCloses()
        {
            string name = T.Name();
            var th = new Thread(() =>
            {
                var forgotten = SharedRegion.Create(name, Page);
                { Span<byte> s_ = forgotten.Bytes(); s_[0] = 1; }
            });
            th.Start();
            th.Join();
            for (int i = 0; i < 50 && T.Exists(name); i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                if (T.Exists(name)) Thread.Sleep(20);
            }
            T.True(!T.Exists(name), "the SafeHandle finalizer closed the forgotten region");
        }

        [Test]
        public void ZincLibHonoured()
        {
            string lib = Environment.GetEnvironmentVariable("ZINC_LIB");
            T.True(!string.IsNullOrEmpty(lib) && File.Exists(lib), "the suite runs with ZINC_LIB set to the core (" + lib + ")");
            string name = T.Name();
            string dir = Path.GetDirectoryName(lib);
            // 1. ZINC_LIB alone: the library is found through it.
            Probe(null, null, "OK", new Env { { "LD_LIBRARY_PATH", null }, { "ZINC_LIB", lib } }, name);
            // 2. ZINC_LIB wins and has no fallback: a bogus one fails although LD_LIBRARY_PATH would work.
            const string bogus = "/nonexistent/libzinc_core.so";
            Probe(null, null, "ZINC_LIB=" + bogus, new Env { { "LD_LIBRARY_PATH", dir }, { "ZINC_LIB", bogus } }, name);
            string tmp = CopyBinaries(false);
            try
            {
                // 3. Nothing anywhere (this checkout is never searched, nor the working directory,
                //    which holds a libzinc_core.so here): a clear error listing every place tried.
                File.Copy(lib, Path.Combine(tmp, "cwd", "libzinc_core.so"));
                File.Copy(lib, Path.Combine(tmp, "cwd", "libzinc_core.so.0"));
                bool system = SystemHasCore();
                Probe(tmp, "cwd", system ? "OK" : "zinc: cannot load libzinc_core.so; tried: " + Path.Combine(tmp, "runtimes/linux-x64/native/libzinc_core.so"),
                      new Env { { "LD_LIBRARY_PATH", null }, { "ZINC_LIB", null } }, name);
                // 4. The system loader by name: LD_LIBRARY_PATH.
                Probe(tmp, null, "OK", new Env { { "LD_LIBRARY_PATH", dir }, { "ZINC_LIB", null } }, name);
                // 5. The package's copy beside Zinc.dll comes before the system loader: an
                //    LD_LIBRARY_PATH holding a broken libzinc_core.so.0 is not reached.
                string broken = Path.Combine(tmp, "broken");
                File.WriteAllText(Path.Combine(broken, "libzinc_core.so.0"), new string('x', 200));
                File.WriteAllText(Path.Combine(broken, "libzinc_core.so"), new string('x', 200));
                var viaPackage = new Env { { "LD_LIBRARY_PATH", broken }, { "ZINC_LIB", null } };
                if (!system) Probe(tmp, null, "invalid ELF header", viaPackage, name); // proves the broken one is reached
                File.Copy(lib, Path.Combine(tmp, "libzinc_core.so"));
                Probe(tmp, null, "OK", viaPackage, name);
                // 6. runtimes/linux-x64/native/ (a NuGet build output) comes first of all.
                File.WriteAllText(Path.Combine(tmp, "libzinc_core.so"), new string('x', 200));
                string rid = Path.Combine(tmp, "runtimes", "linux-x64", "native");
                Directory.CreateDirectory(rid);
                File.Copy(lib, Path.Combine(rid, "libzinc_core.so"));
                Probe(tmp, null, "OK", viaPackage, name);
            }
            finally
            {
                Directory.Delete(tmp, true);
            }
            T.True(!T.Exists(name), "probe regions removed");
        }

        private sealed class Env : Dictionary<string, string> { }

        // Runs `peer probe` from the binaries in binDir (null: this build) in cwd (a subdirectory
        // of binDir, or the default); expects "OK 4096", or an exception whose text contains want.
        private static void Probe(string binDir, string cwd, string want, Env env, string name)
        {
            string exe = binDir == null ? T.SelfPath() : Path.Combine(binDir, "ZincTests.exe");
            using (var p = Peer.StartExe(exe, "peer probe " + name, env, null, cwd == null ? null : Path.Combine(binDir, cwd)))
            {
                string line = p.ReadLine();
                if (want == "OK") T.Equal("OK 4096", line, "probe");
                else T.True(line.StartsWith("EXC DllNotFoundException") && line.Contains(want), "expected an error naming '" + want + "', got: " + line);
                p.WaitExit();
            }
        }

        // True when the system loader already finds the core (e.g. installed in /usr/local/lib).
        private static bool SystemHasCore()
        {
            var psi = new System.Diagnostics.ProcessStartInfo("/sbin/ldconfig", "-p") { UseShellExecute = false, RedirectStandardOutput = true };
            using (var p = System.Diagnostics.Process.Start(psi))
            {
                string all = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                return all.Contains("libzinc_core.so");
            }
        }

        [Test]
        public void ConstantsMatchTheHeader()
        {
            // include/zinc.h is the source of truth; every ZINC_E* code there is a ZincErrorCode.
            string header = Path.Combine(Path.GetDirectoryName(T.SelfPath()), "..", "..", "..", "include", "zinc.h");
            var defined = new Dictionary<string, int>();
            foreach (string line in File.ReadAllLines(header))
            {
                var m = System.Text.RegularExpressions.Regex.Match(line, @"^#define ZINC_(\w+) (-?\d+)$");
                if (m.Success) defined[m.Groups[1].Value] = int.Parse(m.Groups[2].Value);
            }
            T.True(defined.Count >= 9, "codes found in zinc.h: " + defined.Count);
            var declared = new Dictionary<string, int>();
            foreach (var f in typeof(ZincErrorCode).GetFields())
                if (f.IsLiteral) declared[f.Name.ToUpperInvariant()] = (int)f.GetRawConstantValue();
            foreach (var kv in defined)
            {
                T.True(declared.ContainsKey(kv.Key), "ZincErrorCode lacks " + kv.Key);
                T.Equal(kv.Value, declared[kv.Key], "ZincErrorCode." + kv.Key);
            }
            T.Equal(defined.Count, declared.Count, "ZincErrorCode has no code zinc.h lacks");
            T.True(File.ReadAllText(header).Contains("#define ZINC_WAIT_FOREVER UINT32_MAX"), "ZINC_WAIT_FOREVER");
            T.Equal(uint.MaxValue, unchecked((uint)SharedRegion.WaitForever), "WaitForever reaches the core as UINT32_MAX");
        }

        // ---------------------------------------------------------------- conformance agent

        [Test]
        public void AgentProtocol()
        {
            string exe = Path.Combine(Path.GetDirectoryName(T.SelfPath()), "ZincAgent.exe");
            T.True(File.Exists(exe), "agent built next to the tests: " + exe);
            using (var a = Peer.StartExe(exe, "serve"))
            using (var b = Peer.StartExe(exe, "serve"))
            {
                // errors: the core's codes and texts, then DONE
                a.Send("errors");
                foreach (var kv in new[] { Case2("create_bad_name", -22), Case2("create_bad_size", -22), Case2("open_missing", -2),
                                           Case2("open_nul_name", -22), Case2("wait_closed", -9) })
                    a.Expect(kv.Key + " " + kv.Value + " " + T.RawStrError(kv.Value));
                a.Expect("double_close 0 success");
                a.Expect("DONE");

                // abi: what the adapter declares, read from its own tables
                a.Send("abi");
                var abi = new List<string>();
                for (string line = a.ReadLine(); line != "DONE"; line = a.ReadLine()) abi.Add(line);
                foreach (string want in new[] {
                    "const ZINC_OK 0", "const ZINC_EPERM -1", "const ZINC_ENOENT -2", "const ZINC_EBADF -9", "const ZINC_EAGAIN -11",
                    "const ZINC_EEXIST -17", "const ZINC_EINVAL -22", "const ZINC_EBADMSG -74", "const ZINC_ETIMEDOUT -110",
                    "const ZINC_WAIT_FOREVER 4294967295",
                    "fn zinc_create i32 ptr usize ptr", "fn zinc_open i32 ptr ptr", "fn zinc_ptr ptr ptr", "fn zinc_capacity usize ptr",
                    "fn zinc_close void ptr", "fn zinc_notify void ptr", "fn zinc_wait i32 ptr u32", "fn zinc_strerror ptr i32" })
                    T.True(abi.Contains(want), "abi has '" + want + "': " + string.Join(" | ", abi));
                foreach (int code in new[] { -1, -2, -9, -11, -17, -22, -28, -74, -110 })
                    T.True(abi.Contains("message " + code + " " + T.RawStrError(code)), "abi message " + code);
                T.Equal(10 + 8 + 9, abi.Count, "abi line count");

                // writer in one agent, reader in the other
                string name = T.Name();
                a.Send("writer " + name + " 8192 5");
                a.Expect("READY");
                b.Send("reader " + name + " 5");
                b.Expect("OPENED");
                a.Send("GO");
                b.Expect("PASS");
                a.Expect("PASS");
                T.True(!T.Exists(name), "writer/reader cell left nothing");

                // noreply variant
                name = T.Name();
                a.Send("writer " + name + " 4096 9 noreply");
                a.Expect("READY");
                using (var r = SharedRegion.Open(name))
                {
                    a.Send("GO");
                    a.Expect("PASS");
                    T.True(r.Wait(30000), "notified");
                    for (int i = 0; i < 4096; i++)
                        if (r.Bytes()[i] != T.Pattern(9, i)) throw new TestFailure("noreply pattern byte " + i);
                }

                // checksum of float32 values written here
                name = T.Name();
                using (var w = SharedRegion.Create(name, 2 * Page))
                {
                    Span<float> f = w.AsSpan<float>();
                    double expect = 0;
                    for (int i = 0; i < f.Length; i++) { f[i] = i % 100; expect += i % 100; }
                    b.Send("checksum " + name);
                    b.Expect("OPENED");
                    w.Notify();
                    string[] parts = b.ReadLine().Split(' ');
                    T.Equal(3, parts.Length, "CHECKSUM line has three fields");
                    T.Equal("CHECKSUM", parts[0], "checksum reply");
                    T.Equal(((long)expect).ToString(), parts[1], "checksum value");
                    long ns = long.Parse(parts[2]);
                    long now = (DateTime.UtcNow.Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks) * 100;
                    T.True(ns > now - 60000000000L && ns <= now, "checksum timestamp is unix time in ns");
                }

                // a Zinc failure inside a command is a FAIL line, and the agent keeps serving
                a.Send("writer bad/name 4096 1");
                a.Expect("FAIL -22 " + T.RawStrError(-22));
                a.Send("reader " + T.Name() + " 1");
                a.Expect("FAIL -2 " + T.RawStrError(-2));
                a.Send("quit");
                b.Send("quit");
                T.Equal(0, a.WaitExit(), "agent exit status after quit");
                T.Equal(0, b.WaitExit(), "agent exit status after quit");
            }
        }

        private static KeyValuePair<string, int> Case2(string k, int v)
        {
            return new KeyValuePair<string, int>(k, v);
        }
    }
}
