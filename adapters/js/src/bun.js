// Bun binding: the core's C ABI through bun:ffi. Import this module (or the package root,
// which picks it under Bun) to get the API of src/region.js.
import { FFIType, JSCallback, toArrayBuffer } from 'bun:ffi';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { makeApi } from './region.js';
import { loadCore } from './libpath.js';
import { bind, signatures } from './bun-ffi.js';
import { makeWaitPool } from './wait-pool.js';

// Bun's dlopen of a bare name falls back to the working directory when the system loader finds
// nothing: the system-loader step runs from this directory (no library here) so that it never
// does. The file that was loaded, from /proc/self/maps, is what the wait workers load.
const here = fileURLToPath(new URL('.', import.meta.url));
function load(path) {
  if (path.includes('/')) return bind(path);
  const cwd = process.cwd();
  process.chdir(here);
  try {
    return bind(path);
  } finally {
    process.chdir(cwd);
  }
}
const [searched, { fns: z, declarations }] = loadCore((k) => process.env[k], load);
const libraryPath = loadedFrom(searched);

function loadedFrom(path) {
  if (path.includes('/')) return path;
  try {
    const line = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith(`/${path}`));
    return line === undefined ? path : line.slice(line.indexOf('/'));
  } catch {
    return path;
  }
}

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
const waitAsync = makeWaitPool(
  (Worker) => new Worker(new URL('./bun-wait-worker.js', import.meta.url), { workerData: { libraryPath } }),
);

const binding = {
  runtime: 'bun',
  // JavaScriptCore's ArrayBuffers (and Bun's Buffer) stop at 4 GiB.
  maxViewBytes: 2 ** 32,
  detachableViews: true,
  releasesViews: true,
  // Handles are 64-bit values (generation and slot): kept as BigInt, which bun:ffi passes as is.
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
export * from './constants.js';
export { libraryPath };

/** Raw FFI access, for the agent's `abi` command and benchmarks only. Not part of the API. */
export const _ffi = { binding, zinc_capacity: z.zinc_capacity, signatures: () => signatures(declarations) };
