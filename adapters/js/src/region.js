// The JavaScript API of Zinc, shared by the three runtimes. It takes a small "binding" object
// (src/node.js: koffi, src/bun.js: bun:ffi, src/deno.js: Deno.dlopen) that only marshals the
// eight C functions and makes zero-copy ArrayBuffers; everything else lives here once.
//
// Binding contract (handles are opaque values of the runtime's pointer type):
//   runtime                      'node' | 'bun' | 'deno'
//   maxViewBytes                 largest ArrayBuffer the runtime can view at once
//   create(nameZ, capBig)        -> [code, handle]   nameZ: NUL-terminated UTF-8 Uint8Array
//   open(nameZ)                  -> [code, handle]
//   capacity(h) -> number, close(h), notify(h), wait(h, ms) -> code, strerror(code) -> string
//   waitAsync(h, ms)             -> { promise: Promise<code>, abandon() }, never blocks the
//                                event loop (src/wait-pool.js)
//   arrayBuffer(h, off, len, release) -> zero-copy ArrayBuffer over data[off, off+len)
//   detachableViews              true when structuredClone can detach those ArrayBuffers
//   releasesViews                true when the binding itself calls release() once the memory
//                                behind that ArrayBuffer is unreferenced (Bun: backing-store
//                                deallocator); otherwise this layer tracks the ArrayBuffer object
//   wrapBytes(ab)                -> Buffer (Node) or Uint8Array (Bun, Deno) over the whole ab
//   onExit(fn)                   run fn when the process exits (moved last if called again)
import { setStrerror, strerror, ZincError } from './errors.js';
import { ZINC_EBADF, ZINC_EINVAL, ZINC_ETIMEDOUT, ZINC_WAIT_FOREVER } from './constants.js';

/** `wait(WAIT_FOREVER)` has no timeout (UINT32_MAX in the C ABI); `Infinity` means the same. */
export const WAIT_FOREVER = ZINC_WAIT_FOREVER;

const encoder = new TextEncoder();

function rangeError(message) {
  const err = new RangeError(message);
  err.code = 'ERR_OUT_OF_RANGE';
  return err;
}

function typeError(message) {
  const err = new TypeError(message);
  err.code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

function nameBytes(name, syscall) {
  if (typeof name !== 'string') throw typeError(`region name must be a string, got ${typeof name}`);
  // A C string ends at the first NUL: refuse it with the core's bad-name error rather than
  // silently use a shorter name. Every other check (charset, length) is the core's.
  if (name.includes('\0')) throw ZincError.fromCode(ZINC_EINVAL, { syscall, region: name });
  const utf8 = encoder.encode(name);
  const z = new Uint8Array(utf8.length + 1);
  z.set(utf8);
  return z;
}

function capacityArg(capacity) {
  if (typeof capacity === 'bigint') {
    if (capacity < 0n || capacity > 0xffffffffffffffffn) {
      throw rangeError(`capacity must fit in a uintptr_t, got ${capacity}`);
    }
    return capacity;
  }
  if (typeof capacity !== 'number') {
    throw typeError(`capacity must be a number or a bigint, got ${typeof capacity}`);
  }
  if (!Number.isSafeInteger(capacity) || capacity < 0) {
    throw rangeError(`capacity must be a non-negative safe integer, got ${capacity}`);
  }
  return BigInt(capacity);
}

function timeoutArg(timeoutMs) {
  if (typeof timeoutMs !== 'number') {
    throw typeError(`timeoutMs must be a number, got ${typeof timeoutMs}`);
  }
  if (timeoutMs === Infinity) return WAIT_FOREVER;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > WAIT_FOREVER) {
    throw rangeError(`timeoutMs must be an integer in [0, 2**32 - 1] or Infinity, got ${timeoutMs}`);
  }
  return timeoutMs;
}

function intArg(what, value, max) {
  if (typeof value !== 'number') throw typeError(`${what} must be a number, got ${typeof value}`);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw rangeError(`${what} must be an integer in [0, ${max}], got ${value}`);
  }
  return value;
}

const GiB = 1024 ** 3;

/**
 * Build the API for one binding. Returns { SharedRegion, ZincError, strerror, ... }.
 */
export function makeApi(binding) {
  setStrerror((code) => binding.strerror(code));

  // A Mapping is one core handle. It is released (zinc_close) once nothing refers to it: the
  // open SharedRegion holds one reference, every live zero-copy view one. So close() with views
  // alive defers the unmap until the last view is collected. Native waits in flight hold no
  // reference: zinc_close wakes them (they return -9) and waits for them to leave.
  const live = new Set();

  class Mapping {
    constructor(handle, name) {
      this.handle = handle;
      this.name = name;
      this.refs = 1;
      this.waits = new Set(); // pending waitAsync: { abandon(), end(code) }
      this.released = false;
      this.views = []; // WeakRefs to detachable views, detached at exit (Bun, Deno)
      live.add(this);
    }

    track(ab) {
      if (this.views.length >= 64 && this.views.length % 64 === 0) {
        this.views = this.views.filter((w) => w.deref() !== undefined);
      }
      this.views.push(new WeakRef(ab));
    }

    /** Detach the views still reachable, so that code running after the unmap sees empty views. */
    detachViews() {
      for (const w of this.views) {
        const ab = w.deref();
        if (ab === undefined || ab.byteLength === 0) continue;
        try {
          structuredClone(ab, { transfer: [ab] });
        } catch {
          // not detachable: nothing more can be done
        }
      }
      this.views = [];
    }

    ref() {
      this.refs++;
    }

    unref() {
      if (--this.refs === 0) this.release();
    }

    release() {
      if (this.released) return;
      this.released = true;
      live.delete(this);
      const h = this.handle;
      this.handle = null;
      binding.close(h);
    }
  }

  // At process exit every handle still held is closed, so that no region this process created
  // stays behind in /dev/shm only because a view was still reachable or close() was forgotten.
  // (A native wait still running on a worker thread is woken by zinc_close.)
  // The hook is (re)registered at every create/open so that it runs after the exit handlers
  // the application registered before.
  // Where the runtime's views are detachable (Bun, Deno), the views still reachable are
  // detached first, so that an exit handler running after this one finds empty views instead
  // of unmapped memory. (koffi's are not: in Node.js such a handler must not touch them.)
  const exitHook = () => {
    for (const m of [...live]) {
      if (binding.detachableViews) m.detachViews();
      m.release();
    }
  };

  // Views (ArrayBuffers) the binding does not track itself: release their reference once the
  // ArrayBuffer object is garbage-collected (a typed array keeps its ArrayBuffer alive).
  const viewRegistry = new FinalizationRegistry((release) => release());
  // A SharedRegion that is garbage-collected without close() drops its reference too.
  const regionRegistry = new FinalizationRegistry((mapping) => mapping.unref());

  function onceRelease(mapping) {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      mapping.unref();
    };
  }

  function zeroCopy(mapping, byteOffset, byteLength) {
    mapping.ref();
    const release = onceRelease(mapping);
    let ab;
    try {
      ab = binding.arrayBuffer(mapping.handle, byteOffset, byteLength, release);
    } catch (err) {
      release();
      throw err;
    }
    if (!binding.releasesViews) viewRegistry.register(ab, release);
    if (binding.detachableViews) mapping.track(ab);
    return ab;
  }

  function tooLarge(bytes) {
    return rangeError(
      `a single view of ${bytes} bytes exceeds what ${binding.runtime} can view at once ` +
        `(${binding.maxViewBytes} bytes, ${binding.maxViewBytes / GiB} GiB); ` +
        'use windowed views: region.view(Ctor, byteOffset, length)',
    );
  }

  class SharedRegion {
    #mapping;
    #name;
    #capacity;
    #buffer = null;

    /** @private Use SharedRegion.create or SharedRegion.open. */
    constructor(token, mapping) {
      if (token !== SharedRegion.#token) {
        throw new TypeError('use SharedRegion.create(name, capacity) or SharedRegion.open(name)');
      }
      this.#mapping = mapping;
      this.#name = mapping.name;
      this.#capacity = binding.capacity(mapping.handle);
      regionRegistry.register(this, mapping, this);
      binding.onExit(exitHook);
    }

    static #token = Symbol('SharedRegion');

    /** Create the region `name` with `capacity` usable bytes; this handle owns it. */
    static create(name, capacity) {
      const nameZ = nameBytes(name, 'zinc_create');
      const cap = capacityArg(capacity);
      const [code, handle] = binding.create(nameZ, cap);
      if (code !== 0) throw ZincError.fromCode(code, { syscall: 'zinc_create', region: name });
      return new SharedRegion(SharedRegion.#token, new Mapping(handle, name));
    }

    /** Open the live region `name` (created by any process, in any language). */
    static open(name) {
      const nameZ = nameBytes(name, 'zinc_open');
      const [code, handle] = binding.open(nameZ);
      if (code !== 0) throw ZincError.fromCode(code, { syscall: 'zinc_open', region: name });
      return new SharedRegion(SharedRegion.#token, new Mapping(handle, name));
    }

    /** The largest view (bytes) this runtime can make at once. */
    static get maxViewBytes() {
      return binding.maxViewBytes;
    }

    /** 'node', 'bun' or 'deno'. */
    static get runtime() {
      return binding.runtime;
    }

    /** The mapping; after close() the core's -9 error (what zinc_wait gives a closed handle). */
    #live(syscall) {
      const m = this.#mapping;
      if (m === null) throw ZincError.fromCode(ZINC_EBADF, { syscall, region: this.#name });
      return m;
    }

    /** The region's name. Available after close too. */
    get name() {
      return this.#name;
    }

    /** True once close() was called. */
    get closed() {
      return this.#mapping === null;
    }

    /** Usable bytes in the data area; 0 once closed (like zinc_capacity of a closed handle). */
    get capacity() {
      return this.#mapping === null ? 0 : this.#capacity;
    }

    /**
     * The whole data area, zero-copy: a Buffer in Node.js, a Uint8Array in Bun and Deno. The
     * same object on every access. It stays valid after close() (the unmap waits for it).
     */
    get buffer() {
      const m = this.#live('zinc_ptr');
      if (this.#buffer === null) {
        if (this.#capacity > binding.maxViewBytes) throw tooLarge(this.#capacity);
        this.#buffer = binding.wrapBytes(zeroCopy(m, 0, this.#capacity));
      }
      return this.#buffer;
    }

    /**
     * A zero-copy typed view of the data area: `new Ctor(...)` over bytes
     * [byteOffset, byteOffset + length * Ctor.BYTES_PER_ELEMENT). `length` counts elements
     * (bytes for DataView) and defaults to as many as fit. Ctor may be any TypedArray
     * constructor, DataView, or (Node.js) Buffer.
     */
    view(Ctor = Uint8Array, byteOffset = 0, length = undefined) {
      const m = this.#live('zinc_ptr');
      if (typeof Ctor !== 'function') {
        throw typeError('view(Ctor, ...): Ctor must be a TypedArray constructor or DataView');
      }
      const isDataView = Ctor === DataView || Ctor.prototype instanceof DataView;
      const bpe = isDataView ? 1 : Ctor.BYTES_PER_ELEMENT;
      if (!Number.isInteger(bpe) || bpe <= 0) {
        throw typeError('view(Ctor, ...): Ctor must be a TypedArray constructor or DataView');
      }
      const cap = this.#capacity;
      intArg('byteOffset', byteOffset, cap);
      if (byteOffset % bpe !== 0) {
        throw rangeError(`byteOffset ${byteOffset} must be a multiple of ${Ctor.name}.BYTES_PER_ELEMENT (${bpe})`);
      }
      const fit = Math.floor((cap - byteOffset) / bpe);
      const count = length === undefined ? fit : intArg('length', length, Number.MAX_SAFE_INTEGER);
      if (count > fit) {
        throw rangeError(
          `view of ${count} x ${bpe} bytes at byteOffset ${byteOffset} exceeds the capacity (${cap} bytes)`,
        );
      }
      const bytes = count * bpe;
      if (bytes > binding.maxViewBytes) throw tooLarge(bytes);
      if (bytes === 0) return isDataView ? new Ctor(new ArrayBuffer(0)) : new Ctor(0);
      const ab = zeroCopy(m, byteOffset, bytes);
      if (globalThis.Buffer !== undefined && Ctor === globalThis.Buffer) return globalThis.Buffer.from(ab);
      return new Ctor(ab);
    }

    /**
     * Signal "data changed" to every waiter on this region, in every process. A no-op once
     * closed (like zinc_notify of a closed handle).
     */
    notify() {
      const m = this.#mapping;
      if (m !== null) binding.notify(m.handle);
    }

    /**
     * Block this thread until a notification newer than the last one this handle saw
     * (true), or until timeoutMs elapsed (false). 0 polls; Infinity waits forever.
     */
    wait(timeoutMs) {
      const m = this.#live('zinc_wait');
      const ms = timeoutArg(timeoutMs);
      const code = binding.wait(m.handle, ms);
      if (code === 0) return true;
      if (code === ZINC_ETIMEDOUT) return false;
      throw ZincError.fromCode(code, { syscall: 'zinc_wait', region: this.#name });
    }

    /**
     * Like wait(), without blocking the event loop: one zinc_wait on a worker thread. Resolves
     * true (notified) or false (timed out); rejects with the core's -9 error ('EBADF') if the
     * region is closed meanwhile.
     */
    async waitAsync(timeoutMs) {
      const m = this.#live('zinc_wait');
      const ms = timeoutArg(timeoutMs);
      const { promise, abandon } = binding.waitAsync(m.handle, ms);
      const pending = { abandon, end: null };
      const code = await new Promise((resolve, reject) => {
        pending.end = resolve;
        m.waits.add(pending);
        promise.then(resolve, reject);
      }).finally(() => m.waits.delete(pending));
      if (code === 0) return true;
      if (code === ZINC_ETIMEDOUT) return false;
      throw ZincError.fromCode(code, { syscall: 'zinc_wait', region: this.#name });
    }

    /**
     * Close this handle. wait() and views then throw the core's -9 error ('EBADF'), notify()
     * does nothing and capacity is 0. Views already handed out stay valid: the unmap
     * (zinc_close) happens when the last of them is garbage-collected (or at process exit).
     * A pending waitAsync rejects with the -9 error: zinc_close wakes it when no view is
     * alive; otherwise it is let go of here (its worker returns when the unmap happens).
     * A second close() is a no-op.
     */
    close() {
      const m = this.#mapping;
      if (m === null) return;
      this.#mapping = null;
      this.#buffer = null;
      regionRegistry.unregister(this);
      m.unref();
      if (!m.released) {
        for (const w of m.waits) {
          w.abandon();
          w.end(ZINC_EBADF);
        }
      }
    }

    /** `using region = SharedRegion.create(...)` closes it at the end of the scope. */
    [Symbol.dispose]() {
      this.close();
    }

    get [Symbol.toStringTag]() {
      return 'SharedRegion';
    }
  }

  if (Symbol.dispose === undefined) delete SharedRegion.prototype[Symbol.dispose];

  return {
    SharedRegion,
    ZincError,
    strerror,
    WAIT_FOREVER,
    /** Internal: how many core handles this process still holds (tests, diagnostics). */
    liveHandles: () => live.size,
  };
}
