// Where the core library is looked for, in order (the same in Node.js, Bun and Deno):
//   1. ZINC_LIB, when set: an explicit path wins and nothing else is tried;
//   2. <package>/native/libzinc_core.so: where a packaged release ships the library;
//   3. <repository>/target/release/libzinc_core.so: this package inside a Zinc checkout;
//   4. libzinc_core.so: the system loader's search (LD_LIBRARY_PATH, ld.so.cache, /usr/lib...).
// (.dylib instead of .so on macOS.)

export function libraryCandidates(env, platform) {
  const file = platform === 'darwin' ? 'libzinc_core.dylib' : 'libzinc_core.so';
  const explicit = env('ZINC_LIB');
  if (explicit) return [explicit];
  const pkg = new URL('../', import.meta.url);
  return [
    decodeURIComponent(new URL(`native/${file}`, pkg).pathname),
    decodeURIComponent(new URL(`../../target/release/${file}`, pkg).pathname),
    file,
  ];
}

/** Try each candidate with `load(path)`; return [path, library] of the first that loads. */
export function loadCore(env, platform, load) {
  const tried = [];
  for (const path of libraryCandidates(env, platform)) {
    try {
      return [path, load(path)];
    } catch (err) {
      tried.push(`  ${path}: ${err?.message ?? err}`);
    }
  }
  throw new Error(
    'zinc: cannot load the core library (set ZINC_LIB=/abs/path/libzinc_core.so). Tried:\n' + tried.join('\n'),
  );
}
