# consumer.py: reads the producer's tensor in place, without copying it
import sys
import time

import numpy as np

import zinc

NAME = sys.argv[1] if len(sys.argv) > 1 else "py_example"

for _ in range(1200):  # the producer may not have created the region yet
    try:
        region = zinc.SharedRegion.open(NAME)
        break
    except FileNotFoundError:
        time.sleep(0.05)
else:
    sys.exit("consumer: no producer")
with region:
    ctrl = region.as_numpy(np.int64, shape=2)
    tensor = region.as_numpy(np.float32, shape=(4096, 4096), offset=4096)
    for step in (1, 2, 3):
        while ctrl[0] < step:  # notifications coalesce: re-check the data after each wake-up
            if not region.wait(60000):
                sys.exit("consumer: no data")
        print(f"consumer: step {step}, mean {tensor.mean()}")  # the producer's own pages
        ctrl[1] = step
        region.notify()
    del ctrl, tensor
