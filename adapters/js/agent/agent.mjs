#!/usr/bin/env node
// Zinc conformance agent for JavaScript (tests/matrix/README.md), the same file for the three
// runtimes; it drives Zinc only through the public API of this package:
//   node adapters/js/agent/agent.mjs serve
//   adapters/js/node_modules/.bin/bun adapters/js/agent/agent.mjs serve
//   adapters/js/node_modules/.bin/deno run --allow-ffi --allow-env=ZINC_LIB adapters/js/agent/agent.mjs serve
import process from 'node:process';
import readline from 'node:readline';
import { writeSync } from 'node:fs';
import { _ffi, CONSTANTS, SharedRegion, ZincError } from '../src/index.js';

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
      // A handle also sees its own notify (SPEC §6): wake-ups are hints, the data is the
      // truth. Wait until every byte is the reply, or 30 s have passed.
      const firstBad = () => {
        for (let i = 0; i < buf.length; i++) if (buf[i] !== reply(seed, i)) return i;
        return -1;
      };
      const deadline = performance.now() + WAIT_MS;
      let bad = firstBad();
      while (bad >= 0) {
        const left = Math.max(0, Math.ceil(deadline - performance.now()));
        if (!region.wait(left)) throw ZincError.fromCode(-110, { syscall: 'zinc_wait' });
        bad = firstBad();
      }
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
  const pid = process.pid;
  const attempts = [
    ['create_bad_name', () => SharedRegion.create('bad/name', 4096).close()],
    ['create_bad_size', () => SharedRegion.create(`zinc_parity_${pid}`, 1000).close()],
    ['open_missing', () => SharedRegion.open(`zinc_parity_missing_${pid}`).close()],
    ['open_nul_name', () => SharedRegion.open('zinc\0nul').close()],
    ['wait_closed', () => {
      const r = SharedRegion.create(`zinc_parity_closed_${pid}`, 4096);
      r.close();
      r.wait(0);
    }],
    ['double_close', () => {
      const r = SharedRegion.create(`zinc_parity_dc_${pid}`, 4096);
      r.close();
      r.close();
    }],
  ];
  for (const [label, attempt] of attempts) {
    try {
      attempt();
      out(label === 'double_close' ? `${label} 0 success` : `${label} 0 unexpected success`);
    } catch (err) {
      if (!(err instanceof ZincError)) throw err;
      out(`${label} ${err.errno} ${err.message}`);
    }
  }
  out('DONE');
}

// What this adapter declares: its constant table, the messages of its error objects, and its
// FFI declaration table (src/abi.js as this runtime's FFI declared it), normalised.
function abi() {
  for (const [name, value] of Object.entries(CONSTANTS)) out(`const ${name} ${value}`);
  for (const code of [-1, -2, -9, -11, -17, -22, -28, -74, -110]) {
    out(`message ${code} ${ZincError.fromCode(code).message}`);
  }
  for (const [name, ret, args] of _ffi.signatures()) out(`fn ${name} ${[ret, ...args].join(' ')}`);
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
        case 'writer':
          await writer(words, nextLine);
          break;
        case 'reader':
          reader(words);
          break;
        case 'checksum':
          checksum(words);
          break;
        case 'errors':
          errors();
          break;
        case 'abi':
          abi();
          break;
        default:
          out(`FAIL unknown command ${cmd}`);
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
