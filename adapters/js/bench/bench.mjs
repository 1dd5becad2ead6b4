// notify() and wait(0) through the API against bare FFI calls, in the runtime that runs this file:
//   node bench/bench.mjs | bun bench/bench.mjs | deno run --allow-ffi --allow-env=ZINC_LIB,ZINC_BENCH_N bench/bench.mjs
import process from 'node:process';

const rt = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const { SharedRegion, _ffi } = rt === 'deno'
  ? await import('../src/deno.js')
  : rt === 'bun'
  ? await import('../src/bun.js')
  : await import('../src/node.js');
const { binding, zinc_capacity } = _ffi;

const N = Number(process.env.ZINC_BENCH_N ?? 2_000_000);
const ROUNDS = 5;

function measure(label, fn) {
  fn(); // warm up (JIT)
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    fn();
    runs.push(((performance.now() - t0) * 1e6) / N);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${rt.padEnd(5)} ${label.padEnd(34)} ${
      runs[ROUNDS >> 1].toFixed(1).padStart(7)
    } ns/op  (median of ${ROUNDS} x ${N})`,
  );
}

const name = `bench_js_${rt}_${process.pid}`;
const region = SharedRegion.create(name, 4096);
const z = new TextEncoder().encode(`${name}_raw\0`);
const [code, raw] = binding.create(z, 4096n);
if (code !== 0) throw new Error(`create: ${code}`);
try {
  measure('bare FFI zinc_capacity(NULL)', () => {
    for (let i = 0; i < N; i++) zinc_capacity(null);
  });
  measure('bare FFI zinc_notify(h)', () => {
    for (let i = 0; i < N; i++) binding.notify(raw);
  });
  measure('SharedRegion.notify()', () => {
    for (let i = 0; i < N; i++) region.notify();
  });
  region.wait(0); // consume the notifications above: from here on wait(0) finds nothing new
  measure('SharedRegion.wait(0), nothing new', () => {
    for (let i = 0; i < N; i++) region.wait(0);
  });
} finally {
  binding.close(raw);
  region.close();
}
