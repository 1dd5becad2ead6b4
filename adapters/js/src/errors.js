// ZincError and the code table, shared by the Node.js, Bun and Deno bindings.
import os from 'node:os';
import { CONSTANTS } from './constants.js';

// The error codes' names: ZINC_EEXIST -> 'EEXIST'. Other negative codes are -errno of the
// platform: named with the runtime's own table (node:os exists in Node.js, Bun and Deno).
const NAMES = new Map();
for (const [key, value] of Object.entries(CONSTANTS)) {
  if (value < 0) NAMES.set(value, key.slice('ZINC_'.length));
}
for (const [name, value] of Object.entries(os.constants?.errno ?? {})) {
  if (!NAMES.has(-value)) NAMES.set(-value, name);
}

/** The errno name of a negative core code ('EEXIST', 'ENOSPC', ...), or 'UNKNOWN'. */
export function codeName(code) {
  return NAMES.get(code) ?? 'UNKNOWN';
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
 * A failure reported by the Zinc core.
 * - `errno`: the core's negative code (Node's convention: `err.errno` is negative), e.g. -17.
 * - `code`: its errno name, e.g. 'EEXIST'; 'EBADF' (-9) for a closed region.
 * - `message`: the core's zinc_strerror text, unchanged.
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
