// The core's C ABI through koffi (src/abi.js turned into koffi declarations), shared by
// src/node.js and its wait worker.
import koffi from 'koffi';
import { declare, normalise } from './abi.js';

export const TYPES = {
  i32: 'int32_t',
  u32: 'uint32_t',
  usize: 'uintptr_t',
  void: 'void',
  handle: 'void *',
  name: 'const uint8_t *',
  out: 'uint64_t *',
  data: 'void *',
  cstr: 'const char *',
};

const NORMAL = { int32_t: 'i32', uint32_t: 'u32', uintptr_t: 'usize', void: 'void' };

/** Load `path` and declare the named functions (all by default): { name: function }. */
export function bind(path, names) {
  const lib = koffi.load(path);
  const declarations = declare(TYPES, names);
  const fns = {};
  for (const [name, ret, args] of declarations) fns[name] = lib.func(name, ret, args);
  return { fns, declarations };
}

/** The declarations normalised to i32 u32 usize ptr void. */
export const signatures = (declarations) => normalise(declarations, (t) => (t.endsWith('*') ? 'ptr' : NORMAL[t]));
