// Node.js binding: the core's C ABI through koffi. Import this module (or the package root,
// which picks it under Node.js) to get the API of src/region.js.
import koffi from 'koffi';
import { Buffer } from 'node:buffer';
import { makeApi } from './region.js';
import { loadCore } from './libpath.js';
import { makeWaitPool } from './wait-pool.js';

const [libraryPath, lib] = loadCore((k) => process.env[k], process.platform, (p) => koffi.load(p));

const zinc_create = lib.func('int32_t zinc_create(const uint8_t *name, uintptr_t capacity, uint64_t *out)');
const zinc_open = lib.func('int32_t zinc_open(const uint8_t *name, uint64_t *out)');
const zinc_ptr = lib.func('void *zinc_ptr(void *h)');
const zinc_capacity = lib.func('uintptr_t zinc_capacity(void *h)');
const zinc_close = lib.func('void zinc_close(void *h)');
const zinc_notify = lib.func('void zinc_notify(void *h)');
const zinc_wait = lib.func('int32_t zinc_wait(void *h, uint32_t timeout_ms)');
const zinc_strerror = lib.func('const char *zinc_strerror(int32_t code)');

// Not koffi's async calls: they run on libuv's threadpool (4 threads by default), which a few
// long waits would monopolise (fs, dns and crypto calls would queue behind them).
const waitAsync = makeWaitPool(new URL('./node-wait-worker.js', import.meta.url), libraryPath);

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
    const code = zinc_create(nameZ, cap, out);
    return [code, out[0]];
  },
  open(nameZ) {
    out[0] = 0n;
    const code = zinc_open(nameZ, out);
    return [code, out[0]];
  },
  capacity: (h) => Number(zinc_capacity(h)),
  close: (h) => zinc_close(h),
  notify: (h) => zinc_notify(h),
  wait: (h, ms) => zinc_wait(h, ms),
  waitAsync,
  strerror(code) {
    let m = messages.get(code);
    if (m === undefined) {
      m = zinc_strerror(code);
      messages.set(code, m);
    }
    return m;
  },
  arrayBuffer(h, byteOffset, byteLength) {
    const base = zinc_ptr(h);
    return koffi.view(BigInt(base) + BigInt(byteOffset), byteLength);
  },
  wrapBytes: (ab) => Buffer.from(ab),
  onExit(fn) {
    process.removeListener('exit', fn);
    process.on('exit', fn);
  },
};

export const { SharedRegion, ZincError, strerror, WAIT_FOREVER } = makeApi(binding);
export {
  ZINC_OK, ZINC_EPERM, ZINC_ENOENT, ZINC_EAGAIN, ZINC_EEXIST, ZINC_EINVAL, ZINC_EBADMSG, ZINC_ETIMEDOUT,
} from './errors.js';
export { libraryPath };

/** Raw FFI access, for benchmarks only (bench/bench.mjs). Not part of the API. */
export const _ffi = { binding, zinc_capacity: zinc_capacity };
