// The core's C ABI through bun:ffi (src/abi.js turned into bun:ffi declarations), shared by
// src/bun.js and its wait worker.
import { dlopen, FFIType } from 'bun:ffi';
import { declare, normalise } from './abi.js';

export const TYPES = {
  i32: FFIType.i32,
  u32: FFIType.u32,
  usize: FFIType.usize,
  void: FFIType.void,
  handle: FFIType.ptr,
  name: FFIType.ptr,
  out: FFIType.ptr,
  data: FFIType.ptr,
  cstr: FFIType.cstring,
};

const NORMAL = new Map([
  [FFIType.i32, 'i32'],
  [FFIType.u32, 'u32'],
  [FFIType.usize, 'usize'],
  [FFIType.void, 'void'],
  [FFIType.ptr, 'ptr'],
  [FFIType.cstring, 'ptr'],
]);

/** Load `path` and declare the named functions (all by default): { name: function }. */
export function bind(path, names) {
  const declarations = declare(TYPES, names);
  const symbols = {};
  for (const [name, returns, args] of declarations) symbols[name] = { args, returns };
  return { fns: dlopen(path, symbols).symbols, declarations };
}

/** The declarations normalised to i32 u32 usize ptr void. */
export const signatures = (declarations) => normalise(declarations, (t) => NORMAL.get(t));
