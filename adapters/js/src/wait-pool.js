// waitAsync for Node.js and Bun: a small pool of worker threads, each running one blocking
// zinc_wait at a time and posting the result back, so that the event loop (and Node's libuv
// threadpool, which koffi's own async calls would occupy) stays free. Deno does not need it:
// its FFI has non-blocking calls.
import { Worker } from 'node:worker_threads';

const MAX_IDLE = 4;

/** Returns waitAsync(handle, ms) -> Promise<code>, running zinc_wait in `workerUrl`. */
export function makeWaitPool(workerUrl, libraryPath) {
  const idle = [];
  let nextId = 1;

  function spawn() {
    const w = new Worker(workerUrl, { workerData: { libraryPath } });
    w.job = null;
    const fail = (err) => {
      const job = w.job;
      w.job = null;
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
      w.dead = true;
      job?.reject(err);
    };
    w.on('message', ({ id, code, error }) => {
      const job = w.job;
      if (job === null || job.id !== id) return;
      w.job = null;
      w.unref();
      if (idle.length < MAX_IDLE) idle.push(w);
      else w.terminate();
      if (error !== undefined) job.reject(new Error(`zinc wait worker: ${error}`));
      else job.resolve(code);
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`zinc wait worker exited (${code})`)));
    return w;
  }

  return (handle, ms) =>
    new Promise((resolve, reject) => {
      let w = idle.pop();
      while (w !== undefined && w.dead) w = idle.pop();
      w ??= spawn();
      const id = nextId++;
      w.job = { id, resolve, reject };
      w.ref(); // a pending wait keeps the process alive, like a timer
      w.postMessage({ id, handle, ms });
    });
}
