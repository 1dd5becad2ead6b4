// Worker thread of src/wait-pool.js under Bun: one blocking zinc_wait per message. The handle
// stays valid meanwhile: the main thread holds a reference on it (src/region.js).
import { parentPort, workerData } from 'node:worker_threads';
import { dlopen, FFIType } from 'bun:ffi';

const lib = dlopen(workerData.libraryPath, { zinc_wait: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 } });
parentPort.on('message', ({ id, handle, ms }) => {
  try {
    parentPort.postMessage({ id, code: lib.symbols.zinc_wait(handle, ms) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
