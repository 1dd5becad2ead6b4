// The child side of the cross-process tests: `mono ZincTests.exe peer <command> ...`.
// Every reply is one line on stdout; Zinc errors are printed as "ERR <code> <message>".
using System;
using Zinc;

namespace Zinc.Tests
{
    internal static class PeerMain
    {
        private static void Say(string line)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }

        public static int Run(string[] a)
        {
            try
            {
                return Dispatch(a);
            }
            catch (ZincException e)
            {
                Say("ERR " + e.Code + " " + e.Message);
                return 0;
            }
            catch (TestFailure e)
            {
                Say("FAIL " + e.Message);
                return 1;
            }
            catch (Exception e)
            {
                Say("EXC " + e.GetType().Name + " " + e.Message.Replace('\n', ' '));
                return 3;
            }
        }

        private static int Dispatch(string[] a)
        {
            string cmd = a[1];
            switch (cmd)
            {
                case "reader": // NAME SEED: open, wait, check the pattern, answer with the reply
                {
                    string name = a[2];
                    int seed = int.Parse(a[3]);
                    using (var r = SharedRegion.Open(name))
                    {
                        Say("OPENED");
                        if (!r.Wait(30000)) { Say("FAIL timeout"); return 1; }
                        Span<byte> b = r.Bytes();
                        for (int i = 0; i < b.Length; i++)
                            if (b[i] != T.Pattern(seed, i)) { Say("FAIL byte " + i); return 1; }
                        for (int i = 0; i < b.Length; i++) b[i] = T.Reply(seed, i);
                        r.Notify();
                        Say("PASS");
                    }
                    return 0;
                }
                case "writer": // NAME CAP SEED: create, READY, GO, fill, notify, wait for the reply
                {
                    string name = a[2];
                    ulong cap = ulong.Parse(a[3]);
                    int seed = int.Parse(a[4]);
                    using (var r = SharedRegion.Create(name, cap))
                    {
                        Say("READY");
                        if (Console.In.ReadLine() != "GO") { Say("FAIL no GO"); return 1; }
                        Span<byte> b = r.Bytes();
                        for (int i = 0; i < b.Length; i++) b[i] = T.Pattern(seed, i);
                        r.Notify();
                        T.AwaitReply(r, seed);
                        Say("PASS");
                    }
                    return 0;
                }
                case "hold-create": // NAME CAP: create and hold until "close" (or until killed)
                {
                    using (var r = SharedRegion.Create(a[2], ulong.Parse(a[3])))
                    {
                        { Span<byte> s_ = r.Bytes(); s_[0] = 42; }
                        Say("READY");
                        while (true)
                        {
                            string line = Console.In.ReadLine();
                            if (line == null || line == "close") break;
                        }
                    }
                    Say("CLOSED");
                    return 0;
                }
                case "hold-open": // NAME: open, report byte 0, hold until "close"; "byte N" reads byte N
                {
                    using (var r = SharedRegion.Open(a[2]))
                    {
                        Say("OPENED " + r.Bytes()[0]);
                        while (true)
                        {
                            string line = Console.In.ReadLine();
                            if (line == null || line == "close") break;
                            if (line.StartsWith("byte ")) Say("BYTE " + r.Bytes()[int.Parse(line.Substring(5))]);
                        }
                    }
                    Say("CLOSED");
                    return 0;
                }
                case "notify": // NAME: open, OPENED, wait for GO, notify
                {
                    using (var r = SharedRegion.Open(a[2]))
                    {
                        Say("OPENED");
                        if (Console.In.ReadLine() != "GO") { Say("FAIL no GO"); return 1; }
                        r.Notify();
                        Say("NOTIFIED");
                    }
                    return 0;
                }
                case "waiter": // NAME TIMEOUT: open, OPENED, wait, report the result
                {
                    using (var r = SharedRegion.Open(a[2]))
                    {
                        Say("OPENED");
                        bool got = r.Wait(int.Parse(a[3]));
                        Say(got ? "WAIT notified" : "WAIT timeout");
                    }
                    return 0;
                }
                case "open": // NAME: try to open, report OK or ERR <code> <message>
                {
                    using (var r = SharedRegion.Open(a[2]))
                        Say("OK " + r.Capacity);
                    return 0;
                }
                case "probe": // load the core and create+dispose a region: proves which library was used
                {
                    using (var r = SharedRegion.Create(a[2], 4096))
                        Say("OK " + r.Capacity);
                    return 0;
                }
                default:
                    Say("EXC unknown peer command " + cmd);
                    return 2;
            }
        }
    }
}
