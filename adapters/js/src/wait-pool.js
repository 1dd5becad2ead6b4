// waitAsync: a small pool of worker threads, each running one blocking zinc_wait at a time and
// posting the result back, so that the event loop stays free (and Node's libuv threadpool,
// which koffi's own async calls would occupy, too). The same in Node.js, Bun and Deno; each
// runtime's worker declares zinc_wait from src/abi.js.
import { Worker } from 'node:worker_threads';

const MAX_IDLE = 4;

/**
 * `newWorker(Worker)` starts one worker: it answers each { id, handle, ms } message with
 * { id, code } (or { id, error }). Returns waitAsync(handle, ms) -> { promise, abandon }: `promise` resolves with zinc_wait's
 * code; `abandon()` stops the pending wait from keeping the process alive and drops its
 * result (the worker is reused once its zinc_wait returns).
 */
export function makeWaitPool(newWorker) {
  const idle = [];
  let nextId = 1;

  function spawn() {
    const w = newWorker(Worker);
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

  return (handle, ms) => {
    let w = idle.pop();
    while (w !== undefined && w.dead) w = idle.pop();
    w ??= spawn();
    const worker = w;
    const id = nextId++;
    const promise = new Promise((resolve, reject) => {
      worker.job = { id, resolve, reject };
    });
    worker.ref(); // a pending wait keeps the process alive, like a timer
    worker.postMessage({ id, handle, ms });
    const abandon = () => {
      if (worker.job?.id !== id) return;
      worker.job = { id, resolve() {}, reject() {} };
      worker.unref();
    };
    return { promise, abandon };
  };
}
