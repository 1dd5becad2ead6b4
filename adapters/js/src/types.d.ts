// Types shared by the three runtimes' entry points (index.d.ts, node.d.ts, bun.d.ts, deno.d.ts).

/** `code` of a ZincError: the name of the core's code ('EBADF' for a closed region), or the errno name. */
export type ZincErrorCode =
  | 'EPERM'
  | 'ENOENT'
  | 'EAGAIN'
  | 'EEXIST'
  | 'EINVAL'
  | 'EBADMSG'
  | 'ETIMEDOUT'
  | 'EBADF'
  | 'UNKNOWN'
  // deno-lint-ignore ban-types -- (string & {}): any string, while editors still suggest the names above
  | (string & {});

export interface ZincErrorOptions {
  syscall?: string;
  region?: string;
}

/** A failure reported by the Zinc core; `message` is always the core's zinc_strerror text. */
export declare class ZincError extends Error {
  constructor(errno: number, message?: string, options?: ZincErrorOptions);
  readonly name: 'ZincError';
  /** The core's negative code (Node's convention: negative errno), e.g. -17; -9 when closed. */
  readonly errno: number;
  /** Its name: 'EEXIST', 'ENOENT', 'EINVAL', 'EBADMSG', 'EPERM', 'ENOSPC', ...; 'EBADF' when closed. */
  readonly code: ZincErrorCode;
  /** The core function that failed: 'zinc_create', 'zinc_open' or 'zinc_wait'. */
  readonly syscall?: string;
  /** The region name involved. */
  readonly region?: string;
  /** A ZincError for a core code, with the core's zinc_strerror message. */
  static fromCode(errno: number, options?: ZincErrorOptions): ZincError;
}

/** Anything `view()` can build over the data area: a TypedArray constructor or DataView. */
export interface ViewConstructor<T extends ArrayBufferView> {
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T;
  readonly name: string;
}

/** An open (or closed) handle on a Zinc region. `B` is the runtime's byte view type. */
export interface SharedRegion<B extends Uint8Array = Uint8Array> {
  /** The region name (also after close). */
  readonly name: string;
  /** True once close() was called. */
  readonly closed: boolean;
  /** Usable bytes of the data area; 0 after close. */
  readonly capacity: number;
  /**
   * The whole data area, zero-copy (Node.js: Buffer; Bun, Deno: Uint8Array); the same object
   * on every access. Throws a RangeError when the capacity exceeds `SharedRegion.maxViewBytes`
   * (4 GiB in Node.js and Bun): use windowed views then.
   */
  readonly buffer: B;
  /**
   * A zero-copy view `new Ctor(...)` over [byteOffset, byteOffset + length * BYTES_PER_ELEMENT).
   * `length` counts elements (bytes for DataView); by default as many as fit. byteOffset must be
   * a multiple of the element size. Throws a RangeError past the capacity or the runtime limit.
   */
  view(): Uint8Array;
  view<T extends ArrayBufferView>(Ctor: ViewConstructor<T>, byteOffset?: number, length?: number): T;
  /** Signal "data changed" to every waiter on the region, in every process. A no-op after close. */
  notify(): void;
  /**
   * Block until a notification newer than the last this handle saw (true) or the timeout
   * (false). 0 polls; Infinity or WAIT_FOREVER waits forever. Blocks the event loop: see
   * waitAsync.
   */
  wait(timeoutMs: number): boolean;
  /**
   * wait() as one native wait on a worker thread: the event loop keeps running. Rejects with the
   * core's -9 error ('EBADF') if the region is closed meanwhile.
   */
  waitAsync(timeoutMs: number): Promise<boolean>;
  /**
   * Close the handle; a second close() is a no-op. Then wait() and views throw the core's -9
   * error ('EBADF'). Views handed out stay valid; the unmap waits until the last one is
   * garbage-collected, or the process exits.
   */
  close(): void;
  [Symbol.dispose](): void;
}

export interface SharedRegionConstructor<B extends Uint8Array = Uint8Array> extends Function {
  /** Not callable: use create() or open(). */
  new (token: never, mapping: never): SharedRegion<B>;
  readonly prototype: SharedRegion<B>;
  /** Create `name` (`[A-Za-z0-9_-]{1,250}`) with `capacity` bytes, a positive multiple of the page size. */
  create(name: string, capacity: number | bigint): SharedRegion<B>;
  /** Open the live region `name`. */
  open(name: string): SharedRegion<B>;
  /** The largest view this runtime can make at once, in bytes (2**32 in Node.js and Bun). */
  readonly maxViewBytes: number;
  readonly runtime: 'node' | 'bun' | 'deno';
}

/** The core's message for a code (zinc_strerror). */
export declare function strerror(code: number): string;
/** wait(WAIT_FOREVER) has no timeout (UINT32_MAX). */
export declare const WAIT_FOREVER: 4294967295;
/** The core library that was loaded. */
export declare const libraryPath: string;
export declare const ZINC_OK: 0;
export declare const ZINC_EPERM: -1;
export declare const ZINC_ENOENT: -2;
export declare const ZINC_EBADF: -9;
export declare const ZINC_EAGAIN: -11;
export declare const ZINC_EEXIST: -17;
export declare const ZINC_EINVAL: -22;
export declare const ZINC_EBADMSG: -74;
export declare const ZINC_ETIMEDOUT: -110;
export declare const ZINC_WAIT_FOREVER: 4294967295;
/** The constants of include/zinc.h by name. */
export declare const CONSTANTS: Readonly<{
  ZINC_OK: 0;
  ZINC_EPERM: -1;
  ZINC_ENOENT: -2;
  ZINC_EBADF: -9;
  ZINC_EAGAIN: -11;
  ZINC_EEXIST: -17;
  ZINC_EINVAL: -22;
  ZINC_EBADMSG: -74;
  ZINC_ETIMEDOUT: -110;
  ZINC_WAIT_FOREVER: 4294967295;
}>;
