# producer.py: publishes a 64 MiB float32 tensor three times (run consumer.py too)
import sys

import numpy as np

import zinc

NAME = sys.argv[1] if len(sys.argv) > 1 else "py_example"
SHAPE = (4096, 4096)  # 64 MiB of float32

with zinc.SharedRegion.create(NAME, 4096 + 4 * SHAPE[0] * SHAPE[1]) as region:
    ctrl = region.as_numpy(np.int64, shape=2)  # [published step, consumed step]
    tensor = region.as_numpy(np.float32, shape=SHAPE, offset=4096)  # zero-copy view
    for step in (1, 2, 3):
        tensor[:] = step  # a real loader decodes straight into `tensor`
        ctrl[0] = step  # publish ...
        region.notify()  # ... and wake the consumer
        while ctrl[1] != step:  # a wake-up is only a hint (it may be our own notify)
            if not region.wait(60000):
                sys.exit("producer: no answer from the consumer")
    del ctrl, tensor  # drop the views, so close() removes the region at once
print("producer: done")
