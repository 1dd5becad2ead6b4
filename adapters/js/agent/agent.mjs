#!/usr/bin/env node
// Zinc conformance agent for JavaScript (tests/matrix/README.md), the same file for the three
// runtimes; it drives Zinc only through the public API of this package:
//   node adapters/js/agent.mjs serve
//   adapters/js/node_modules/.bin/bun adapters/js/agent.mjs serve
//   adapters/js/node_modules/.bin/deno run --allow-ffi --allow-env=ZINC_LIB adapters/js/agent.mjs serve
import process from 'node:process';
import readline from 'node:readline';
import { writeSync } from 'node:fs';
import { SharedRegion, ZincError } from './src/index.js';

const WAIT_MS = 30000;
const pattern = (seed, i) => ((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xff;
const reply = (seed, i) => 255 - pattern(seed, i);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function out(line) {
  writeSync(1, line + '\n'); // synchronous: every reply is flushed at once
}

function log(line) {
  writeSync(2, `agent(${SharedRegion.runtime}): ${line}\n`);
}

class Fail extends Error {}

function waitNotified(region) {
  if (!region.wait(WAIT_MS)) throw ZincError.fromCode(-110, { syscall: 'zinc_wait' });
}

async function writer(words, nextLine) {
  const [name, capacity, seedText, flag] = words;
  const seed = Number(seedText);
  const region = SharedRegion.create(name, Number(capacity));
  try {
    out('READY');
    const go = await nextLine();
    if (go === null) throw new Fail('stdin closed before GO');
    const buf = region.buffer;
    for (let i = 0; i < buf.length; i++) buf[i] = pattern(seed, i);
    region.notify();
    if (flag !== 'noreply') {
      // A handle also sees its own notify (SPEC §6), so the first wake-up may be ours: wait
      // once more if the reply is not there yet; the counter's next move is the reader's.
      const firstBad = () => {
        for (let i = 0; i < buf.length; i++) if (buf[i] !== reply(seed, i)) return i;
        return -1;
      };
      const deadline = performance.now() + WAIT_MS;
      let bad = -1;
      for (let wakes = 0; wakes < 2; wakes++) {
        const left = Math.max(0, Math.ceil(deadline - performance.now()));
        if (!region.wait(left)) throw ZincError.fromCode(-110, { syscall: 'zinc_wait' });
        bad = firstBad();
        if (bad < 0) break;
      }
      if (bad >= 0) throw new Fail(`byte ${bad}: got ${buf[bad]}, want ${reply(seed, bad)}`);
    }
  } finally {
    region.close();
  }
  out('PASS');
}

function reader(words) {
  const [name, seedText, flag] = words;
  const seed = Number(seedText);
  const region = SharedRegion.open(name);
  try {
    out('OPENED');
    waitNotified(region);
    const buf = region.buffer;
    for (let i = 0; i < buf.length; i++) {
      if (buf[i] !== pattern(seed, i)) throw new Fail(`byte ${i}: got ${buf[i]}, want ${pattern(seed, i)}`);
    }
    if (flag !== 'noreply') {
      for (let i = 0; i < buf.length; i++) buf[i] = reply(seed, i);
      region.notify();
    }
  } finally {
    region.close();
  }
  out('PASS');
}

function checksum(words) {
  const [name] = words;
  const region = SharedRegion.open(name);
  let sum = 0;
  try {
    out('OPENED');
    waitNotified(region);
    const n = Math.floor(region.capacity / 4);
    if (littleEndian) {
      const f = region.view(Float32Array, 0, n);
      for (let i = 0; i < n; i++) sum += f[i];
    } else {
      const dv = region.view(DataView, 0, n * 4);
      for (let i = 0; i < n; i++) sum += dv.getFloat32(i * 4, true);
    }
  } finally {
    region.close();
  }
  const nowNs = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e3)) * 1000n;
  const total = Number.isInteger(sum) ? BigInt(sum).toString() : Math.round(sum).toString();
  out(`CHECKSUM ${total} ${nowNs}`);
}

function errors() {
  const attempts = [
    ['create_bad_name', () => SharedRegion.create('bad/name', 4096)],
    ['create_bad_size', () => SharedRegion.create(`zinc_parity_${process.pid}`, 1000)],
    ['open_missing', () => SharedRegion.open(`zinc_parity_missing_${process.pid}`)],
  ];
  for (const [label, attempt] of attempts) {
    try {
      attempt().close();
      out(`${label} 0 unexpected success`);
    } catch (err) {
      if (!(err instanceof ZincError)) throw err;
      out(`${label} ${err.errno} ${err.message}`);
    }
  }
  out('DONE');
}

async function serve() {
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  const it = rl[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await it.next();
    return done ? null : value;
  };
  for (;;) {
    const line = await nextLine();
    if (line === null) break;
    const [cmd, ...words] = line.trim().split(/\s+/);
    if (cmd === '') continue;
    if (cmd === 'quit') break;
    try {
      switch (cmd) {
        case 'writer': await writer(words, nextLine); break;
        case 'reader': reader(words); break;
        case 'checksum': checksum(words); break;
        case 'errors': errors(); break;
        default: out(`FAIL unknown command ${cmd}`);
      }
    } catch (err) {
      if (err instanceof ZincError) out(`FAIL ${err.errno} ${err.message}`);
      else if (err instanceof Fail) out(`FAIL ${err.message}`);
      else {
        log(err?.stack ?? String(err));
        out(`FAIL ${err?.name ?? 'Error'}: ${err?.message ?? err}`);
      }
    }
  }
  rl.close();
}

if (process.argv[2] !== 'serve') {
  log('usage: agent.mjs serve');
  process.exit(2);
}
await serve();
process.exit(0);
