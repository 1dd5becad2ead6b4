"""Consumer: reads the tensors that producer.py publishes, without copying them.

    python consumer.py [NAME] [STEPS]
"""
import sys
import time

import numpy as np

import zinc

name = sys.argv[1] if len(sys.argv) > 1 else "py_example"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SHAPE = (4096, 4096)

deadline = time.monotonic() + 60
while True:  # the producer may not have created the region yet
    try:
        region = zinc.SharedRegion.open(name)
        break
    except FileNotFoundError:
        if time.monotonic() > deadline:
            sys.exit("consumer: no producer")
        time.sleep(0.05)

with region:
    ctrl = region.as_numpy(np.int64, shape=2)
    tensor = region.as_numpy(np.float32, shape=SHAPE, offset=4096)
    for step in range(1, steps + 1):
        while ctrl[0] < step:  # wait until the producer published this step
            if not region.wait(60000):
                sys.exit("consumer: no data")
        print(f"consumer: step {step}: shape {tensor.shape}, mean {tensor.mean():.1f}", flush=True)
        ctrl[1] = step  # acknowledge
        region.notify()
    del ctrl, tensor
