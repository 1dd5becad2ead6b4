// Worker thread of src/wait-pool.js under Node.js: one blocking zinc_wait per message. The
// handle stays valid meanwhile: the main thread holds a reference on it (src/region.js).
import { parentPort, workerData } from 'node:worker_threads';
import koffi from 'koffi';

const lib = koffi.load(workerData.libraryPath);
const zinc_wait = lib.func('int32_t zinc_wait(void *h, uint32_t timeout_ms)');
parentPort.on('message', ({ id, handle, ms }) => {
  try {
    parentPort.postMessage({ id, code: zinc_wait(handle, ms) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
