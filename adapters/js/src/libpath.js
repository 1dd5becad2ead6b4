// Where the core library comes from (docs/ADAPTER_CONTRACT.md §2), the same in Node.js, Bun
// and Deno:
//   1. ZINC_LIB, when set: that file or an error; nothing else is tried;
//   2. the copy inside this package: <package>/native/<platform>-<arch>/libzinc_core.so;
//   3. the system's dynamic loader by name: libzinc_core.so.0, then libzinc_core.so
//      (LD_LIBRARY_PATH, the ldconfig cache, /usr/local/lib after ldconfig).
// Never the working directory, never a path of a build checkout.
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** The places tried, in order, for this environment: [label, path] pairs. */
export function libraryCandidates(env) {
  const explicit = env('ZINC_LIB');
  if (explicit) return [['ZINC_LIB', explicit]];
  const mac = process.platform === 'darwin';
  const file = mac ? 'libzinc_core.dylib' : 'libzinc_core.so';
  const packaged = new URL(`../native/${process.platform}-${process.arch}/${file}`, import.meta.url);
  return [
    ['package', fileURLToPath(packaged)],
    ['system loader', mac ? 'libzinc_core.0.dylib' : 'libzinc_core.so.0'],
    ['system loader', file],
  ];
}

/** Load the first candidate that `load(path)` accepts: returns [path, library]. */
export function loadCore(env, load) {
  const tried = [];
  for (const [label, path] of libraryCandidates(env)) {
    try {
      return [path, load(path)];
    } catch (err) {
      const why = String(err?.message ?? err).split('\n')[0];
      tried.push(`  ${label}: ${path}: ${why}`);
    }
  }
  throw new Error(
    'zinc: cannot load libzinc_core.so (set ZINC_LIB=/abs/path/libzinc_core.so, or install a ' +
      'package that ships it). Tried, in order:\n' + tried.join('\n'),
  );
}
