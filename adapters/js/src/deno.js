// Deno binding: the core's C ABI through Deno.dlopen. Needs `--allow-ffi` (and
// `--allow-env=ZINC_LIB` for ZINC_LIB to be seen). Import this module (or the package root,
// which picks it under Deno) to get the API of src/region.js.
import { makeApi } from './region.js';
import { loadCore } from './libpath.js';

const SYMBOLS = {
  zinc_create: { parameters: ['buffer', 'usize', 'buffer'], result: 'i32' },
  zinc_open: { parameters: ['buffer', 'buffer'], result: 'i32' },
  zinc_ptr: { parameters: ['pointer'], result: 'pointer' },
  zinc_capacity: { parameters: ['pointer'], result: 'usize' },
  zinc_close: { parameters: ['pointer'], result: 'void' },
  zinc_notify: { parameters: ['pointer'], result: 'void' },
  zinc_wait: { parameters: ['pointer', 'u32'], result: 'i32' },
  // The same function, run on a separate thread: returns a Promise.
  zinc_wait_nonblocking: { name: 'zinc_wait', parameters: ['pointer', 'u32'], result: 'i32', nonblocking: true },
  zinc_strerror: { parameters: ['i32'], result: 'pointer' },
};

function env(key) {
  // Without --allow-env, reading the environment throws: then ZINC_LIB cannot be honoured.
  try {
    return Deno.env.get(key);
  } catch {
    return undefined;
  }
}

const [libraryPath, lib] = loadCore(env, Deno.build.os, (p) => Deno.dlopen(p, SYMBOLS));
const z = lib.symbols;

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
  waitAsync: (h, ms) => z.zinc_wait_nonblocking(h, ms),
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
export {
  ZINC_OK, ZINC_EPERM, ZINC_ENOENT, ZINC_EAGAIN, ZINC_EEXIST, ZINC_EINVAL, ZINC_EBADMSG, ZINC_ETIMEDOUT,
} from './errors.js';
export { libraryPath };

/** Raw FFI access, for benchmarks only (bench/bench.mjs). Not part of the API. */
export const _ffi = { binding, zinc_capacity: z.zinc_capacity };
