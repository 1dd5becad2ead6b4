"""Python side of the README example: creates region "frames" (1 MiB of float32) and publishes
a new frame every 0.5 s for 10 s. Run it, then the C# reader (ReadFromPython.cs)."""
import time

import zinc

with zinc.SharedRegion.create("frames", 1 << 20) as region:
    view = region.as_buffer().cast("f")  # zero-copy float32 view of the data area
    print("writer: region 'frames' ready", flush=True)
    for frame in range(20):
        for i in range(len(view)):
            view[i] = float((i + frame) % 100)
        region.notify()
        time.sleep(0.5)
    view.release()
