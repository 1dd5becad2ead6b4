// Deno binding: the core's C ABI through Deno.dlopen. Needs `--allow-ffi` (and
// `--allow-env=ZINC_LIB` for ZINC_LIB to be seen). Import this module (or the package root,
// which picks it under Deno) to get the API of src/region.js.
import { makeApi } from './region.js';
import { loadCore } from './libpath.js';
import { bind, signatures, TYPES } from './deno-ffi.js';
import { declare } from './abi.js';
import { makeWaitPool } from './wait-pool.js';

function env(key) {
  // Without --allow-env, reading the environment throws: then ZINC_LIB cannot be honoured.
  try {
    return Deno.env.get(key);
  } catch {
    return undefined;
  }
}

const [libraryPath, { fns: z, declarations }] = loadCore(env, (p) => bind(p));

// waitAsync: not a `nonblocking` FFI call, which keeps Deno alive while pending and cannot be
// let go of (src/region.js needs that when a region is closed while views keep the mapping),
// but the worker pool of Node.js and Bun. The worker is given as code, not as a file: a worker
// file would need --allow-read.
const WAIT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const [[name, result, parameters]] = workerData.declarations;
const fn = Deno.dlopen(workerData.libraryPath, { [name]: { parameters, result } }).symbols[name];
parentPort.on('message', ({ id, handle, ms }) => {
  try {
    parentPort.postMessage({ id, code: fn(Deno.UnsafePointer.create(handle), ms) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});`;
const workerData = { libraryPath, declarations: declare(TYPES, ['zinc_wait']) };
const pool = makeWaitPool((Worker) => new Worker(WAIT_WORKER, { eval: true, workerData }));

const out = new BigUint64Array(1);
const messages = new Map();

const binding = {
  runtime: 'deno',
  // V8 in Deno views ArrayBuffers beyond 4 GiB.
  maxViewBytes: Number.MAX_SAFE_INTEGER,
  detachableViews: true,
  releasesViews: false,
  create(nameZ, cap) {
    out[0] = 0n;
    const code = z.zinc_create(nameZ, cap, out);
    return [code, Deno.UnsafePointer.create(out[0])];
  },
  open(nameZ) {
    out[0] = 0n;
    const code = z.zinc_open(nameZ, out);
    return [code, Deno.UnsafePointer.create(out[0])];
  },
  capacity: (h) => Number(z.zinc_capacity(h)),
  close: (h) => z.zinc_close(h),
  notify: (h) => z.zinc_notify(h),
  wait: (h, ms) => z.zinc_wait(h, ms),
  waitAsync: (h, ms) => pool(Deno.UnsafePointer.value(h), ms),
  strerror(code) {
    let m = messages.get(code);
    if (m === undefined) {
      m = Deno.UnsafePointerView.getCString(z.zinc_strerror(code));
      messages.set(code, m);
    }
    return m;
  },
  arrayBuffer(h, byteOffset, byteLength) {
    return Deno.UnsafePointerView.getArrayBuffer(z.zinc_ptr(h), byteLength, byteOffset);
  },
  wrapBytes: (ab) => new Uint8Array(ab),
  onExit(fn) {
    globalThis.removeEventListener('unload', fn);
    globalThis.addEventListener('unload', fn);
  },
};

export const { SharedRegion, ZincError, strerror, WAIT_FOREVER } = makeApi(binding);
export * from './constants.js';
export { libraryPath };

/** Raw FFI access, for the agent's `abi` command and benchmarks only. Not part of the API. */
export const _ffi = { binding, zinc_capacity: z.zinc_capacity, signatures: () => signatures(declarations) };
