// Writer: creates the region, publishes a message, then waits for the reader's reply.
using System;
using System.Text;
using System.Threading;
using Zinc;

internal static class Writer
{
    private static int Main(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "example";
        using (SharedRegion region = SharedRegion.Create(name, 4096))
        {
            Span<byte> data = region.Bytes();            // the shared pages, no copy
            byte[] message = Encoding.UTF8.GetBytes("hello from C#");
            message.CopyTo(data.Slice(2));
            data[1] = (byte)message.Length;
            Volatile.Write(ref data[0], (byte)1);        // state 1: a message is ready
            region.Notify();
            // A handle also sees its own Notify: trust the data, not a single wake-up.
            while (Volatile.Read(ref data[0]) != 2)
            {
                if (!region.Wait(10000)) { Console.Error.WriteLine("no reply within 10 s"); return 1; }
            }
            Console.WriteLine("writer got: " + Encoding.UTF8.GetString(data.Slice(2, data[1]).ToArray()));
        }
        return 0;
    }
}
