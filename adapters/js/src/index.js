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
  _ffi,
} = mod;

// The constants do not depend on the runtime.
export * from './constants.js';
