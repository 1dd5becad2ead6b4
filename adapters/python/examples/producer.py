"""Producer: publishes a 64 MiB float32 tensor through Zinc, several times (run consumer.py too).

    python producer.py [NAME] [STEPS]

Layout of the region: a 4096-byte control block ([published step, consumed step] as int64),
then the tensor. notify() only says "something changed"; each side re-checks the control block
after every wake-up (notifications coalesce, and a handle also sees its own notify).
"""
import sys

import numpy as np

import zinc

name = sys.argv[1] if len(sys.argv) > 1 else "py_example"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SHAPE = (4096, 4096)  # 64 MiB of float32

with zinc.SharedRegion.create(name, 4096 + 4 * SHAPE[0] * SHAPE[1]) as region:
    ctrl = region.as_numpy(np.int64, shape=2)
    tensor = region.as_numpy(np.float32, shape=SHAPE, offset=4096)  # zero-copy view
    print(f"producer: created {region}", flush=True)
    for step in range(1, steps + 1):
        tensor[:] = step  # a real loader would decode straight into `tensor`
        ctrl[0] = step  # publish
        region.notify()
        while ctrl[1] != step:  # wait for the consumer's acknowledgement
            if not region.wait(60000):
                sys.exit("producer: no answer from the consumer")
    print("producer: done", flush=True)
    del ctrl, tensor  # drop the views so close() can remove the region at once
