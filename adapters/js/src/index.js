// Zinc for JavaScript: picks the binding of the running runtime (Deno, Bun or Node.js).
// All three export the same API (see index.d.ts).
const mod = globalThis.Deno !== undefined
  ? await import('./deno.js')
  : globalThis.Bun !== undefined
  ? await import('./bun.js')
  : await import('./node.js');

export const {
  SharedRegion,
  ZincError,
  strerror,
  WAIT_FOREVER,
  libraryPath,
  CONSTANTS,
  ZINC_OK,
  ZINC_EPERM,
  ZINC_ENOENT,
  ZINC_EBADF,
  ZINC_EAGAIN,
  ZINC_EEXIST,
  ZINC_EINVAL,
  ZINC_EBADMSG,
  ZINC_ETIMEDOUT,
  ZINC_WAIT_FOREVER,
  _ffi,
} = mod;
