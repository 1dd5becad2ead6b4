// C# side of the README example: reads the float32 frames a Python writer publishes in "frames".
//   mcs -langversion:7.2 -r:../bin/Zinc.dll -out:ReadFromPython.exe ReadFromPython.cs
//   ZINC_LIB=/abs/path/libzinc_core.so MONO_PATH=../bin mono ReadFromPython.exe
using System;
using Zinc;

static class ReadFromPython
{
    static int Main()
    {
        try
        {
            using (var region = SharedRegion.Open("frames"))
            {
                for (int n = 0; n < 3; n++)
                {
                    if (!region.Wait(5000)) { Console.WriteLine("no frame within 5 s"); return 1; }
                    Span<float> frame = region.AsSpan<float>(); // the Python writer's pages, no copy
                    double sum = 0;
                    foreach (float v in frame) sum += v;
                    Console.WriteLine("frame: {0} floats, first {1}, sum {2}", frame.Length, frame[0], sum);
                }
            }
            return 0;
        }
        catch (ZincException e) when (e.Code == ZincErrorCode.ENOENT)
        {
            Console.WriteLine("start the Python writer first: " + e.Message);
            return 1;
        }
    }
}
