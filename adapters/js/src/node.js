// Node.js binding: the core's C ABI through koffi. Import this module (or the package root,
// which picks it under Node.js) to get the API of src/region.js.
import koffi from 'koffi';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { makeApi } from './region.js';
import { loadCore } from './libpath.js';
import { bind, signatures } from './node-ffi.js';
import { makeWaitPool } from './wait-pool.js';

const [libraryPath, { fns: z, declarations }] = loadCore((k) => process.env[k], (p) => bind(p));

// Not koffi's async calls: they run on libuv's threadpool (4 threads by default), which a few
// long waits would monopolise (fs, dns and crypto calls would queue behind them).
const waitAsync = makeWaitPool(
  (Worker) => new Worker(new URL('./node-wait-worker.js', import.meta.url), { workerData: { libraryPath } }),
);

const out = new BigUint64Array(1);
const messages = new Map();

const binding = {
  runtime: 'node',
  // Buffer and TypedArray lengths stop at 4 GiB in Node.js (buffer.constants.MAX_LENGTH);
  // koffi.view beyond that aborts the process, so larger views are refused before the call.
  maxViewBytes: 2 ** 32,
  detachableViews: false,
  releasesViews: false,
  create(nameZ, cap) {
    out[0] = 0n;
    const code = z.zinc_create(nameZ, cap, out);
    return [code, out[0]];
  },
  open(nameZ) {
    out[0] = 0n;
    const code = z.zinc_open(nameZ, out);
    return [code, out[0]];
  },
  capacity: (h) => Number(z.zinc_capacity(h)),
  close: (h) => z.zinc_close(h),
  notify: (h) => z.zinc_notify(h),
  wait: (h, ms) => z.zinc_wait(h, ms),
  waitAsync,
  strerror(code) {
    let m = messages.get(code);
    if (m === undefined) {
      m = z.zinc_strerror(code);
      messages.set(code, m);
    }
    return m;
  },
  arrayBuffer(h, byteOffset, byteLength) {
    const base = z.zinc_ptr(h);
    return koffi.view(BigInt(base) + BigInt(byteOffset), byteLength);
  },
  wrapBytes: (ab) => Buffer.from(ab),
  onExit(fn) {
    process.removeListener('exit', fn);
    process.on('exit', fn);
  },
};

export const { SharedRegion, ZincError, strerror, WAIT_FOREVER } = makeApi(binding);
export * from './constants.js';
export { libraryPath };

/** Raw FFI access, for the agent's `abi` command and benchmarks only. Not part of the API. */
export const _ffi = { binding, zinc_capacity: z.zinc_capacity, signatures: () => signatures(declarations) };
