// The eight functions of include/zinc.h, declared once. src/node.js (koffi), src/bun.js
// (bun:ffi), src/deno.js (Deno.dlopen) and the wait workers turn this table into their FFI's
// declarations through a map kind -> native type, so the three runtimes declare the same types.
//   i32 u32 usize void  as in C
//   handle              ZincHandle (an opaque pointer-sized value)
//   name                const char *: NUL-terminated UTF-8 bytes
//   out                 ZincHandle *: where create/open write the handle
//   data                uint8_t *: the data area
//   cstr                const char *: a static C string (zinc_strerror)

export const FUNCTIONS = Object.freeze([
  ['zinc_create', 'i32', ['name', 'usize', 'out']],
  ['zinc_open', 'i32', ['name', 'out']],
  ['zinc_ptr', 'data', ['handle']],
  ['zinc_capacity', 'usize', ['handle']],
  ['zinc_close', 'void', ['handle']],
  ['zinc_notify', 'void', ['handle']],
  ['zinc_wait', 'i32', ['handle', 'u32']],
  ['zinc_strerror', 'cstr', ['i32']],
]);

const KINDS = ['i32', 'u32', 'usize', 'void', 'handle', 'name', 'out', 'data', 'cstr'];

/**
 * The declarations of `FUNCTIONS` (or of the named ones) in one FFI: [name, ret, args] with
 * each kind replaced by `types[kind]`.
 */
export function declare(types, names) {
  for (const kind of KINDS) {
    if (!(kind in types)) throw new Error(`zinc: no FFI type for ${kind}`);
  }
  return FUNCTIONS.filter(([name]) => names === undefined || names.includes(name)).map((
    [name, ret, args],
  ) => [name, types[ret], args.map((a) => types[a])]);
}

/**
 * An FFI's declarations with its native types normalised to i32 u32 usize ptr void (what the
 * conformance agent's `abi` command reports). `normal` maps each native type to one of those.
 */
export function normalise(declarations, normal) {
  const of = (t) => {
    const n = normal(t);
    if (n === undefined) throw new Error(`zinc: native type ${String(t)} has no ABI name`);
    return n;
  };
  return declarations.map(([name, ret, args]) => [name, of(ret), args.map(of)]);
}
