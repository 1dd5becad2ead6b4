// Reader: opens the writer's region (retrying until it exists), waits for the message, replies.
using System;
using System.Text;
using System.Threading;
using Zinc;

internal static class Reader
{
    private static int Main(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "example";
        SharedRegion region = null;
        for (int tries = 1; region == null; tries++)
        {
            try { region = SharedRegion.Open(name); }
            catch (ZincException e) when (e.Code == ZincErrorCode.ENOENT && tries < 100) { Thread.Sleep(100); }
        }
        using (region)
        {
            Span<byte> data = region.Bytes();
            while (Volatile.Read(ref data[0]) != 1)      // the message may predate this handle
            {
                if (!region.Wait(10000)) { Console.Error.WriteLine("no message within 10 s"); return 1; }
            }
            string message = Encoding.UTF8.GetString(data.Slice(2, data[1]).ToArray());
            Console.WriteLine("reader got: " + message);
            byte[] reply = Encoding.UTF8.GetBytes("read " + message.Length + " bytes");
            reply.CopyTo(data.Slice(2));
            data[1] = (byte)reply.Length;
            Volatile.Write(ref data[0], (byte)2);        // state 2: the reply is ready
            region.Notify();
        }
        return 0;
    }
}
