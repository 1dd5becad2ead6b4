// The C# adapter's test suite: `mono bin/ZincTests.exe [name-filter]`.
// The last line is exactly "N passed, M failed"; the exit status is non-zero on any failure.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
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
        private const ulong Page = 4096;

        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "peer") return PeerMain.Run(args);
            if (args.Length > 0 && args[0] == "bench") return Bench.Run(args);

            var tests = new List<KeyValuePair<string, Action>>
            {
                Case("create_open_zero_copy", CreateOpenZeroCopy),
                Case("native_pointer_and_file_agree_with_span", NativePointerAndFile),
                Case("typed_spans", TypedSpans),
                Case("windowed_views_and_bounds", WindowedViews),
                Case("region_over_2gib_needs_windows", RegionOver2GiB),
                Case("error_already_exists", ErrorAlreadyExists),
                Case("error_invalid_names", ErrorInvalidNames),
                Case("error_invalid_sizes", ErrorInvalidSizes),
                Case("error_open_missing", ErrorOpenMissing),
                Case("error_corrupted_region", ErrorCorrupted),
                Case("error_permission_denied", ErrorPermissionDenied),
                Case("error_os_failure_on_huge_capacity", ErrorHugeCapacity),
                Case("error_arguments_rejected_before_the_core", ErrorArguments),
                Case("error_messages_come_from_the_core", ErrorMessages),
                Case("wait_timeouts_and_coalescing", WaitTimeouts),
                Case("several_handles_in_one_process", SeveralHandles),
                Case("cross_process_csharp_reader", CrossProcessReader),
                Case("cross_process_csharp_writer", CrossProcessWriter),
                Case("cross_process_notify_wakes_blocked_waiter", CrossProcessWakesWaiter),
                Case("cross_process_peer_notifies_parent", CrossProcessPeerNotifies),
                Case("cross_process_wait_timeout", CrossProcessWaitTimeout),
                Case("ownership_creator_closes_first", OwnershipCreatorFirst),
                Case("ownership_opener_cannot_remove", OwnershipOpenerCannotRemove),
                Case("crashed_creator_is_stale_and_reclaimed", CrashReclaim),
                Case("crashed_creator_leaves_live_opener_working", CrashCreatorWithOpener),
                Case("use_after_dispose_throws", UseAfterDispose),
                Case("lease_defers_unmap", LeaseDefersUnmap),
                Case("dispose_while_another_thread_waits", DisposeWhileWaiting),
                Case("finalizer_closes_forgotten_region", FinalizerCloses),
                Case("zinc_lib_wins_and_default_search_works", ZincLibHonoured),
                Case("conformance_agent_protocol", AgentProtocol),
                Case("no_leak_in_dev_shm", NoLeaks), // keep last
            };

            string filter = args.Length > 0 ? args[0] : null;
            int passed = 0, failed = 0;
            foreach (var t in tests)
            {
                if (filter != null && t.Key.IndexOf(filter, StringComparison.Ordinal) < 0 && t.Key != "no_leak_in_dev_shm") continue;
                try
                {
                    t.Value();
                    passed++;
                    Console.WriteLine("PASS " + t.Key);
                }
                catch (Exception e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + t.Key + ": " + (e is TestFailure ? e.Message : e.ToString()));
                }
            }
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }

        private static KeyValuePair<string, Action> Case(string name, Action a)
        {
            return new KeyValuePair<string, Action>(name, a);
        }

        // ---------------------------------------------------------------- views and zero copy

        private static void CreateOpenZeroCopy()
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

        private static void NativePointerAndFile()
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

        private static void TypedSpans()
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

        private static void WindowedViews()
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

        private static void RegionOver2GiB()
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

        private static void ErrorAlreadyExists()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            {
                var e = T.ThrowsZinc(ZincErrorCode.EEXIST, () => SharedRegion.Create(name, Page), "create twice");
                T.Equal("EEXIST", e.ErrorName, "symbolic name");
                T.Equal((byte)0, w.Bytes()[0], "the live region is untouched");
            }
        }

        private static void ErrorInvalidNames()
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

        private static void ErrorInvalidSizes()
        {
            foreach (ulong cap in new ulong[] { 0, 1, 1000, Page + 1, 3 * Page - 1 })
            {
                string name = T.Name();
                T.ThrowsZinc(ZincErrorCode.EINVAL, () => SharedRegion.Create(name, cap), "create with capacity " + cap);
                T.True(!T.Exists(name), "a failed create leaves nothing behind (capacity " + cap + ")");
            }
        }

        private static void ErrorOpenMissing()
        {
            string name = T.Name();
            var e = T.ThrowsZinc(ZincErrorCode.ENOENT, () => SharedRegion.Open(name), "open of a missing name");
            T.Equal("ENOENT", e.ErrorName, "symbolic name");
        }

        private static void ErrorCorrupted()
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

        private static void ErrorPermissionDenied()
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

        private static void ErrorHugeCapacity()
        {
            // 2^62 bytes cannot be reserved: the core reports an OS error (a negative errno).
            string name = T.Name();
            var e = T.Throws<ZincException>(() => SharedRegion.Create(name, 1UL << 62), "create of 4 EiB");
            T.True(e.Code < 0, "negative code");
            T.Equal(T.RawStrError(e.Code), e.Message, "message is the core's text");
            T.True(!T.Exists(name), "a failed create leaves nothing behind");
        }

        private static void ErrorArguments()
        {
            T.Throws<ArgumentNullException>(() => SharedRegion.Create(null, Page), "null name to Create");
            T.Throws<ArgumentNullException>(() => SharedRegion.Open(null), "null name to Open");
            string name = T.Name();
            // A C string ends at NUL: "abc\0def" must not silently become "abc".
            T.Throws<ArgumentException>(() => SharedRegion.Create(name + "\0tail", Page), "NUL inside a name");
            T.True(!T.Exists(name), "nothing created under the truncated name");
            using (var w = SharedRegion.Create(name, Page))
            {
                T.Throws<ArgumentOutOfRangeException>(() => w.Wait(-2), "negative timeout other than -1");
                T.Throws<ArgumentOutOfRangeException>(() => w.Wait(int.MinValue), "int.MinValue timeout");
            }
        }

        private static void ErrorMessages()
        {
            foreach (int code in new[] { -1, -2, -11, -17, -22, -28, -74, -110, -9999 })
            {
                var e = new ZincException(code);
                T.Equal(T.RawStrError(code), e.Message, "message of " + code);
                T.Equal(T.RawStrError(code), ZincException.Describe(code), "Describe(" + code + ")");
                T.True(e.Message.Length > 0, "non-empty message for " + code);
            }
            T.Equal("ETIMEDOUT", new ZincException(-110).ErrorName, "ETIMEDOUT name");
            T.Equal("E28", new ZincException(-28).ErrorName, "errno name");
        }

        // ---------------------------------------------------------------- notify / wait

        private static void WaitTimeouts()
        {
            string name = T.Name();
            using (var w = SharedRegion.Create(name, Page))
            using (var r = SharedRegion.Open(name))
            {
                T.Equal(false, r.Wait(0), "poll without a notification");
                T.Equal(false, r.Wait(20), "short wait times out");
                T.Equal(false, r.Wait(SharedRegion.DisposeCheckMs * 2 + 50), "a wait over several slices times out");
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

        private static void SeveralHandles()
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

        private static void CrossProcessReader()
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

        private static void CrossProcessWriter()
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

        private static void CrossProcessWakesWaiter()
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

        private static void CrossProcessPeerNotifies()
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

        private static void CrossProcessWaitTimeout()
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

        private static void OwnershipCreatorFirst()
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

        private static void OwnershipOpenerCannotRemove()
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

        private static void CrashReclaim()
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

        private static void CrashCreatorWithOpener()
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

        private static void UseAfterDispose()
        {
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            w.Dispose();
            T.True(w.IsDisposed, "IsDisposed");
            T.True(!T.Exists(name), "disposed creator removed the name");
            T.Throws<ObjectDisposedException>(() => { var c = w.Capacity; }, "Capacity");
            T.Throws<ObjectDisposedException>(() => { var p = w.Pointer; }, "Pointer");
            T.Throws<ObjectDisposedException>(() => w.Bytes(), "Bytes()");
            T.Throws<ObjectDisposedException>(() => w.Bytes(0, 1), "Bytes(offset, length)");
            T.Throws<ObjectDisposedException>(() => w.AsSpan<int>(), "AsSpan<int>()");
            T.Throws<ObjectDisposedException>(() => w.AsSpan<int>(0, 1), "AsSpan<int>(offset, count)");
            T.Throws<ObjectDisposedException>(() => w.Notify(), "Notify()");
            T.Throws<ObjectDisposedException>(() => w.Wait(0), "Wait(0)");
            T.Throws<ObjectDisposedException>(() => w.Acquire(), "Acquire()");
            w.Dispose(); // double dispose is a no-op
            T.Equal(name, w.Name, "Name stays readable");
            T.True(w.ToString().Contains("disposed"), "ToString says disposed");
        }

        private static void LeaseDefersUnmap()
        {
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            RegionLease lease = w.Acquire();
            Span<byte> view = lease.Bytes();
            view[0] = 1;
            w.Dispose();
            T.True(w.IsDisposed, "the region is disposed");
            T.Throws<ObjectDisposedException>(() => w.Bytes(), "no new views from a disposed region");
            T.True(T.Exists(name), "a live lease keeps the mapping (and so the region) alive");
            view[1] = 2; // still mapped: no crash
            T.Equal((byte)2, lease.Bytes()[1], "the lease's views stay valid");
            T.Equal((int)Page / 4, lease.AsSpan<int>().Length, "typed lease view");
            T.Equal((byte)1, lease.Bytes(0, 1)[0], "windowed lease view");
            using (var p = Peer.Start("open " + name))
            {
                p.Expect("OK " + Page);
                p.WaitExit();
            }
            lease.Dispose();
            T.True(!T.Exists(name), "the last lease out closed the handle and removed the region");
            T.Throws<ObjectDisposedException>(() => lease.Bytes(), "a disposed lease gives no views");
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

        private static void DisposeWhileWaiting()
        {
            string name = T.Name();
            var w = SharedRegion.Create(name, Page);
            string outcome = null;
            var started = new ManualResetEventSlim(false);
            var th = new Thread(() =>
            {
                started.Set();
                try
                {
                    outcome = w.Wait(SharedRegion.WaitForever) ? "notified" : "timeout";
                }
                catch (ObjectDisposedException)
                {
                    outcome = "disposed";
                }
                catch (Exception e)
                {
                    outcome = "unexpected " + e;
                }
            });
            th.Start();
            started.Wait();
            Thread.Sleep(50);
            w.Dispose(); // must not unmap under the blocked zinc_wait
            th.Join();
            T.Equal("disposed", outcome, "a Dispose from another thread ends a blocked WaitForever");
            T.True(!T.Exists(name), "closed once the wait returned");
            T.Throws<ObjectDisposedException>(() => w.Wait(0), "later waits fail clearly");
        }

        private static void FinalizerCloses()
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

        private static void ZincLibHonoured()
        {
            string lib = Environment.GetEnvironmentVariable("ZINC_LIB");
            T.True(!string.IsNullOrEmpty(lib) && File.Exists(lib), "the suite runs with ZINC_LIB set to the core (" + lib + ")");
            string name = T.Name();
            // 1. ZINC_LIB alone, with no LD_LIBRARY_PATH: the library is found through it.
            using (var p = Peer.Start("probe " + name, new Dictionary<string, string> { { "LD_LIBRARY_PATH", null }, { "ZINC_LIB", lib } }))
            {
                p.Expect("OK 4096");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
            // 2. ZINC_LIB wins over LD_LIBRARY_PATH: a bogus ZINC_LIB fails even though the path would work.
            string dir = Path.GetDirectoryName(lib);
            using (var p = Peer.Start("probe " + name, new Dictionary<string, string> { { "LD_LIBRARY_PATH", dir }, { "ZINC_LIB", "/nonexistent/libzinc_core.so" } }))
            {
                string line = p.ReadLine();
                T.True(line.StartsWith("EXC DllNotFoundException") && line.Contains("ZINC_LIB"), "bogus ZINC_LIB is reported: " + line);
                p.WaitExit();
            }
            // 3. In the source checkout without ZINC_LIB: <repo>/target/release/libzinc_core.so.
            using (var p = Peer.Start("probe " + name, new Dictionary<string, string> { { "LD_LIBRARY_PATH", null }, { "ZINC_LIB", null } }))
            {
                p.Expect("OK 4096");
                T.Equal(0, p.WaitExit(), "peer exit status");
            }
            // 4. Outside a checkout (a copy of the binaries in a temporary directory): the runtime's
            //    normal search, here LD_LIBRARY_PATH; without it, a clear DllNotFoundException.
            string tmp = CopyBinaries(false);
            try
            {
                string exe = Path.Combine(tmp, "ZincTests.exe");
                using (var p = Peer.StartExe(exe, "peer probe " + name, new Dictionary<string, string> { { "LD_LIBRARY_PATH", dir }, { "ZINC_LIB", null } }))
                {
                    p.Expect("OK 4096");
                    T.Equal(0, p.WaitExit(), "peer exit status");
                }
                using (var p = Peer.StartExe(exe, "peer probe " + name, new Dictionary<string, string> { { "LD_LIBRARY_PATH", null }, { "ZINC_LIB", null } }))
                {
                    string line = p.ReadLine();
                    T.True(line.StartsWith("EXC DllNotFoundException") && line.Contains("ZINC_LIB"), "no library anywhere: " + line);
                    p.WaitExit();
                }
            }
            finally
            {
                Directory.Delete(tmp, true);
            }
            T.True(!T.Exists(name), "probe regions removed");
        }

        // ---------------------------------------------------------------- conformance agent

        private static void AgentProtocol()
        {
            string exe = Path.Combine(Path.GetDirectoryName(T.SelfPath()), "ZincAgent.exe");
            T.True(File.Exists(exe), "agent built next to the tests: " + exe);
            using (var a = Peer.StartExe(exe, "serve"))
            using (var b = Peer.StartExe(exe, "serve"))
            {
                // errors: the core's codes and texts, then DONE
                a.Send("errors");
                foreach (var kv in new[] { Case2("create_bad_name", -22), Case2("create_bad_size", -22), Case2("open_missing", -2) })
                    a.Expect(kv.Key + " " + kv.Value + " " + T.RawStrError(kv.Value));
                a.Expect("DONE");

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

        private static void NoLeaks()
        {
            string[] left = Directory.GetFiles("/dev/shm", "zinc_" + T.Prefix + "*");
            foreach (string f in left) File.Delete(f); // report, but do not leave them to the next suite
            T.True(left.Length == 0, "left in /dev/shm: " + string.Join(" ", left));
        }
    }
}
