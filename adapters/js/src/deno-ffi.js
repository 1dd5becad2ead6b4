// The core's C ABI through Deno.dlopen (src/abi.js turned into Deno declarations), shared by
// src/deno.js and its wait worker.
import { declare, normalise } from './abi.js';

export const TYPES = {
  i32: 'i32',
  u32: 'u32',
  usize: 'usize',
  void: 'void',
  handle: 'pointer',
  name: 'buffer',
  out: 'buffer',
  data: 'pointer',
  cstr: 'pointer',
};

const NORMAL = { i32: 'i32', u32: 'u32', usize: 'usize', void: 'void', pointer: 'ptr', buffer: 'ptr' };

/** Load `path` and declare the named functions (all by default): { name: function }. */
export function bind(path, names) {
  const declarations = declare(TYPES, names);
  const symbols = {};
  for (const [name, result, parameters] of declarations) symbols[name] = { parameters, result };
  return { fns: Deno.dlopen(path, symbols).symbols, declarations };
}

/** The declarations normalised to i32 u32 usize ptr void. */
export const signatures = (declarations) => normalise(declarations, (t) => NORMAL[t]);
