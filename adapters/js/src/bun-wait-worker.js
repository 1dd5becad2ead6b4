// Worker thread of src/wait-pool.js under Bun: one blocking zinc_wait per message.
import { parentPort, workerData } from 'node:worker_threads';
import { bind } from './bun-ffi.js';

const { zinc_wait } = bind(workerData.libraryPath, ['zinc_wait']).fns;
parentPort.on('message', ({ id, handle, ms }) => {
  try {
    parentPort.postMessage({ id, code: zinc_wait(handle, ms) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
