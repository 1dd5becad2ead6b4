// ZincError and the code tables, shared by the Node.js, Bun and Deno bindings.
import os from 'node:os';

/** The core's fixed codes (SPEC §3): the same values on every platform. */
export const ZINC_OK = 0;
export const ZINC_EPERM = -1;
export const ZINC_ENOENT = -2;
export const ZINC_EAGAIN = -11;
export const ZINC_EEXIST = -17;
export const ZINC_EINVAL = -22;
export const ZINC_EBADMSG = -74;
export const ZINC_ETIMEDOUT = -110;
/** Adapter-side code for "this SharedRegion was closed" (Node's fs.FileHandle uses EBADF too). */
export const ZINC_ECLOSED = -9;

const FIXED = new Map([
  [ZINC_EPERM, 'EPERM'],
  [ZINC_ENOENT, 'ENOENT'],
  [ZINC_EAGAIN, 'EAGAIN'],
  [ZINC_EEXIST, 'EEXIST'],
  [ZINC_EINVAL, 'EINVAL'],
  [ZINC_EBADMSG, 'EBADMSG'],
  [ZINC_ETIMEDOUT, 'ETIMEDOUT'],
  [ZINC_ECLOSED, 'EBADF'],
]);

// Other negative codes are -errno of the platform: name them with the runtime's own table
// (node:os is available in Node.js, Bun and Deno).
const PLATFORM = new Map();
for (const [name, value] of Object.entries(os.constants?.errno ?? {})) {
  if (!PLATFORM.has(value)) PLATFORM.set(value, name);
}

/** The errno name for a negative core code ('EEXIST', 'ENOSPC', ...), or 'UNKNOWN'. */
export function codeName(code) {
  return FIXED.get(code) ?? PLATFORM.get(-code) ?? 'UNKNOWN';
}

let strerrorImpl = (code) => `zinc error ${code}`;

/** Installed by the binding once the core library is loaded. */
export function setStrerror(fn) {
  strerrorImpl = fn;
}

/** The core's message for a code (zinc_strerror), the same text in every language. */
export function strerror(code) {
  return strerrorImpl(code);
}

/**
 * A failure reported by the Zinc core, or use of a closed region.
 * - `errno`: the core's negative code (Node's convention: `err.errno` is negative), e.g. -17.
 * - `code`: its errno name, e.g. 'EEXIST'; 'EBADF' (errno -9) for a closed region.
 * - `message`: the core's zinc_strerror text, unchanged (for a closed region: 'region is closed').
 * - `syscall`: the core function that failed ('zinc_create', 'zinc_open', 'zinc_wait'), when any.
 * - `region`: the region name involved, when known.
 */
export class ZincError extends Error {
  constructor(errno, message, { syscall, region } = {}) {
    super(message ?? strerror(errno));
    this.name = 'ZincError';
    this.errno = errno;
    this.code = codeName(errno);
    if (syscall !== undefined) this.syscall = syscall;
    if (region !== undefined) this.region = region;
  }

  /** A ZincError for a core code, with the core's own message. */
  static fromCode(errno, options) {
    return new ZincError(errno, strerror(errno), options);
  }
}

export function closedError(region) {
  return new ZincError(ZINC_ECLOSED, 'region is closed', region === undefined ? {} : { region });
}
