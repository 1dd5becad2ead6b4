// Bun binding: the core's C ABI through bun:ffi. Import this module (or the package root,
// which picks it under Bun) to get the API of src/region.js.
import { dlopen, FFIType, JSCallback, toArrayBuffer } from 'bun:ffi';
import { makeApi } from './region.js';
import { loadCore } from './libpath.js';
import { makeWaitPool } from './wait-pool.js';

const SYMBOLS = {
  zinc_create: { args: [FFIType.ptr, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
  zinc_open: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  zinc_ptr: { args: [FFIType.ptr], returns: FFIType.ptr },
  zinc_capacity: { args: [FFIType.ptr], returns: FFIType.u64 },
  zinc_close: { args: [FFIType.ptr], returns: FFIType.void },
  zinc_notify: { args: [FFIType.ptr], returns: FFIType.void },
  zinc_wait: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  zinc_strerror: { args: [FFIType.i32], returns: FFIType.cstring },
};

const [libraryPath, lib] = loadCore((k) => process.env[k], process.platform, (p) => dlopen(p, SYMBOLS));
const z = lib.symbols;

const out = new BigUint64Array(1);
const messages = new Map();

// bun:ffi ArrayBuffers are detachable (transfer(), postMessage transfer lists move the memory to
// a new ArrayBuffer), so tracking the ArrayBuffer object would not be sound. Instead each view
// carries a deallocator that Bun calls once the memory itself is unreferenced, wherever it was
// moved; `threadsafe` queues it to the JS thread instead of running JS inside the collector.
const releases = new Map();
let nextRelease = 1;
const deallocator = new JSCallback(
  (_bytes, id) => {
    const release = releases.get(id);
    releases.delete(id);
    release?.();
  },
  { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.void, threadsafe: true },
);

// bun:ffi has no non-blocking calls: waitAsync runs zinc_wait on a pool of worker threads.
const waitAsync = makeWaitPool(new URL('./bun-wait-worker.js', import.meta.url), libraryPath);

const binding = {
  runtime: 'bun',
  // JavaScriptCore's ArrayBuffers (and Bun's Buffer) stop at 4 GiB.
  maxViewBytes: 2 ** 32,
  detachableViews: true,
  releasesViews: true,
  create(nameZ, cap) {
    out[0] = 0n;
    const code = z.zinc_create(nameZ, cap, out);
    return [code, Number(out[0])];
  },
  open(nameZ) {
    out[0] = 0n;
    const code = z.zinc_open(nameZ, out);
    return [code, Number(out[0])];
  },
  capacity: (h) => Number(z.zinc_capacity(h)),
  close: (h) => z.zinc_close(h),
  notify: (h) => z.zinc_notify(h),
  wait: (h, ms) => z.zinc_wait(h, ms),
  waitAsync,
  strerror(code) {
    let m = messages.get(code);
    if (m === undefined) {
      m = String(z.zinc_strerror(code));
      messages.set(code, m);
    }
    return m;
  },
  arrayBuffer(h, byteOffset, byteLength, release) {
    const id = nextRelease++;
    releases.set(id, release);
    try {
      return toArrayBuffer(z.zinc_ptr(h), byteOffset, byteLength, id, deallocator.ptr);
    } catch (err) {
      releases.delete(id);
      throw err;
    }
  },
  wrapBytes: (ab) => new Uint8Array(ab),
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
export const _ffi = { binding, zinc_capacity: z.zinc_capacity };
