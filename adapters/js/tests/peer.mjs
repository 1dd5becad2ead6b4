// The other process of the cross-process tests: drives the adapter of the runtime it runs in
// (node, bun or deno) through a line protocol on stdin/stdout. One reply line per command;
// a ZincError becomes `ERR <errno> <code> <message>`.
import process from 'node:process';
import readline from 'node:readline';
import { writeSync } from 'node:fs';
import { SharedRegion, ZincError } from '../src/index.js';

const pattern = (seed, i) => ((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xff;
let region = null;
let kept = null; // a view kept alive on purpose (deferred close tests)

function reply(line) {
  writeSync(1, line + '\n');
}

async function run(words) {
  const [cmd, a, b] = words;
  switch (cmd) {
    case 'create':
      region = SharedRegion.create(a, Number(b));
      return `OK ${region.capacity}`;
    case 'open':
      region = SharedRegion.open(a);
      return `OK ${region.capacity}`;
    case 'pattern': {
      const buf = region.buffer;
      for (let i = 0; i < buf.length; i++) buf[i] = pattern(Number(a), i);
      return 'OK';
    }
    case 'check': {
      const buf = region.buffer;
      for (let i = 0; i < buf.length; i++) {
        if (buf[i] !== pattern(Number(a), i)) return `BAD ${i} ${buf[i]} ${pattern(Number(a), i)}`;
      }
      return 'OK';
    }
    case 'get':
      return `VAL ${region.buffer[Number(a)]}`;
    case 'set':
      region.buffer[Number(a)] = Number(b);
      return 'OK';
    case 'f32':
      return `VAL ${region.view(Float32Array, Number(a), 1)[0]}`;
    case 'notify':
      region.notify();
      return 'OK';
    case 'wait':
      return String(region.wait(Number(a)));
    case 'waitAsync': {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      try {
        return `${await region.waitAsync(Number(a))} ${ticks}`;
      } finally {
        clearInterval(timer);
      }
    }
    case 'keepview':
      kept = region.view(Uint8Array);
      return 'OK';
    case 'exitread': {
      // An exit handler registered after the adapter's: it runs after the unmap.
      const report = () => reply(`EXITREAD ${kept.length} ${kept[0]}`);
      if (globalThis.Deno) globalThis.addEventListener('unload', report);
      else process.on('exit', report);
      return 'OK';
    }
    case 'close':
      region.close();
      return 'OK';
    case 'exit':
      return process.exit(0); // the exit hook closes whatever is still held
    default:
      return `UNKNOWN ${cmd}`;
  }
}

const rl = readline.createInterface({ input: process.stdin });
reply('READY');
for await (const line of rl) {
  const words = line.trim().split(/\s+/);
  if (words[0] === '') continue;
  try {
    reply(await run(words));
  } catch (err) {
    if (err instanceof ZincError) reply(`ERR ${err.errno} ${err.code} ${err.message}`);
    else reply(`EXC ${err?.name}: ${err?.message}`);
  }
}
void kept;
