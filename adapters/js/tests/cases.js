// The test bodies, shared by the three runners (node.test.mjs, bun.test.js, deno.test.js):
// each runner registers every case below with its own test framework. A case is
// [name, body, skip] where skip is false or the reason why it does not apply here. Cross-process cases
// start tests/peer.mjs (or agent/agent.mjs) in the same runtime as the runner.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import process from 'node:process';
import readline from 'node:readline';
import * as zinc from '../src/index.js';

const { SharedRegion, ZincError, strerror } = zinc;

export const runtime = SharedRegion.runtime;
const here = new URL('.', import.meta.url);
const pathOf = (rel) => decodeURIComponent(new URL(rel, here).pathname);
const PEER = pathOf('peer.mjs');
const AGENT = pathOf('../agent/agent.mjs');
const HEADER = pathOf('../../../include/zinc.h');
const VERSION = pathOf('../../../VERSION');

/** How this runtime starts a script: the adapter itself needs only --allow-ffi in Deno. */
export function scriptCommand(script) {
  if (runtime === 'deno') return [Deno.execPath(), ['run', '--allow-ffi', '--allow-env=ZINC_LIB', script]];
  return [process.execPath, [script]];
}

const prefix = `t_js_${runtime}_${process.pid}_`;
let counter = 0;
const uniqueName = () => `${prefix}${++counter}`;
const shmPath = (name) => `/dev/shm/zinc_${name}`;

function leftovers() {
  return readdirSync('/dev/shm').filter((f) => f.startsWith(`zinc_${prefix}`));
}

function forceGc() {
  if (typeof globalThis.Bun !== 'undefined') globalThis.Bun.gc(true);
  else if (typeof globalThis.gc === 'function') globalThis.gc();
  else throw new Error('run the tests with a collectable heap (node --expose-gc, deno --v8-flags=--expose-gc)');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Collect until cond() holds (FinalizationRegistry callbacks run after a collection). */
async function collectUntil(cond, what) {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    forceGc();
    await sleep(10);
  }
  assert.fail(`still not true after 200 collections: ${what}`);
}

/** A child process speaking a line protocol (peer.mjs or agent.mjs serve). */
class Child {
  constructor(script, args = [], { wrapper = [], env = {} } = {}) {
    const [exe, pre] = scriptCommand(script);
    const argv = [...wrapper, exe, ...pre, ...args];
    this.proc = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    this.lines = [];
    this.waiters = [];
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    const rl = readline.createInterface({ input: this.proc.stdout });
    rl.on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
    rl.on('close', () => {
      for (const w of this.waiters.splice(0)) w(null);
      this.closed = true;
    });
  }

  /** The next line the child prints (null at end of output). */
  next() {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  send(line) {
    this.proc.stdin.write(line + '\n');
  }

  cmd(line) {
    this.send(line);
    return this.next();
  }

  /** Close its stdin and wait for it to exit (killed if it has not after 10 s). */
  async end() {
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

async function peer(opts) {
  const p = new Child(PEER, [], opts);
  assert.equal(await p.next(), 'READY');
  return p;
}

function assertZincError(fn, code, errno) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  checkZincError(caught, code, errno);
}

function checkZincError(err, code, errno) {
  assert.ok(err instanceof ZincError, `expected a ZincError ${code}, got ${err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'ZincError');
  assert.equal(err.code, code);
  assert.equal(err.errno, errno);
  assert.equal(err.message, strerror(errno));
}

async function assertRejectsZinc(promise, code, errno) {
  let caught;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  checkZincError(caught, code, errno);
}

const pattern = (seed, i) => ((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xff;

function bigViews(r, cap) {
  assert.equal(r.capacity, cap);
  if (runtime === 'deno') {
    assert.equal(r.buffer.length, cap, 'Deno views more than 4 GiB at once');
  } else {
    assert.equal(SharedRegion.maxViewBytes, 2 ** 32);
    assert.throws(() => r.buffer, { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /4 GiB.*windowed/ });
    assert.throws(() => r.view(Uint8Array), { name: 'RangeError', message: /4 GiB/ });
    assert.throws(() => r.view(Float64Array, 0, 2 ** 29 + 1), { name: 'RangeError', message: /4 GiB/ });
  }
  const low = r.view(Uint8Array, 0, 2 ** 32); // exactly 4 GiB: the largest single view
  const high = r.view(Uint8Array, 2 ** 32); // the last 4096 bytes
  assert.equal(high.length, 4096);
  high[4095] = 77;
  low[2 ** 32 - 1] = 66;
  assert.equal(r.view(Uint8Array, cap - 4097, 2)[0], 66);
  assert.equal(r.view(Uint8Array, cap - 1, 1)[0], 77);
}

function keepView(r) {
  return { view: r.view(Uint8Array) };
}

function transferView(name) {
  const r = SharedRegion.create(name, 4096);
  const v = r.view(Uint8Array);
  v[0] = 42;
  const moved = structuredClone(v.buffer, { transfer: [v.buffer] });
  if (runtime === 'node') {
    // koffi's ArrayBuffers are not detachable: a "transfer" copies, the view stays mapped.
    assert.equal(v.length, 4096);
    new Uint8Array(moved)[0] = 1;
    assert.equal(v[0], 42);
    assert.equal(r.buffer[0], 42);
  } else {
    // Bun moves the memory to the new ArrayBuffer: the unmap follows the memory, not the object.
    assert.equal(v.length, 0);
    assert.equal(new Uint8Array(moved)[0], 42);
  }
  r.close();
  return { moved };
}

/** The #define constants of include/zinc.h, in order: [[name, value]]. */
function headerConstants() {
  const text = readFileSync(HEADER, 'utf8');
  const out = new Map();
  for (const [, name, value] of text.matchAll(/^#define (ZINC_[A-Z_]+) (\S+)$/gm)) {
    out.set(name, value === 'UINT32_MAX' ? 0xffffffff : Number(value));
  }
  return out;
}

/** The prototypes of include/zinc.h normalised to i32 u32 usize ptr void: [[name, ret, ...args]]. */
function headerFunctions() {
  const text = readFileSync(HEADER, 'utf8');
  const norm = (t) => {
    t = t.replace(/\bconst\b/g, '').trim();
    if (t.includes('*') || t === 'ZincHandle') return 'ptr';
    return { int32_t: 'i32', uint32_t: 'u32', uintptr_t: 'usize', void: 'void' }[t];
  };
  const fns = [];
  for (const [, ret, name, args] of text.matchAll(/^([\w *]+?)\s*\b(zinc_\w+)\(([^)]*)\);$/gm)) {
    const types = args.split(',').map((a) => norm(a.trim().replace(/\w+$/, '')));
    fns.push([name, norm(ret.trim()), ...types]);
  }
  return fns;
}

function ldconfigHasZinc() {
  try {
    return readFileSync('/etc/ld.so.cache').includes('libzinc_core');
  } catch {
    return false;
  }
}

export const cases = [
  ['create here, open/read/write in another process', async () => {
    const name = uniqueName();
    const r = SharedRegion.create(name, 65536);
    try {
      assert.equal(r.capacity, 65536);
      assert.equal(r.buffer.length, 65536);
      if (runtime === 'node') assert.ok(Buffer.isBuffer(r.buffer));
      else assert.equal(r.buffer.constructor, Uint8Array);
      assert.equal(r.buffer, r.buffer, 'buffer is one object');
      for (let i = 0; i < r.buffer.length; i++) r.buffer[i] = pattern(7, i);
      const p = await peer();
      assert.equal(await p.cmd(`open ${name}`), 'OK 65536');
      assert.equal(await p.cmd('check 7'), 'OK');
      assert.equal(await p.cmd('set 100 200'), 'OK');
      assert.equal(r.buffer[100], 200, 'the peer write is visible through the same buffer');
      r.view(Float32Array, 4096, 1)[0] = 2.5;
      assert.equal(await p.cmd('f32 4096'), 'VAL 2.5');
      assert.equal(await p.cmd('close'), 'OK');
      assert.equal(await p.end(), 0);
    } finally {
      r.close();
    }
    // The views handed out above keep the mapping until they are collected.
    await collectUntil(() => !existsSync(shmPath(name)), 'the region is removed');
  }],

  ['open a region another process created; the creator owns it', async () => {
    const name = uniqueName();
    const p = await peer();
    assert.equal(await p.cmd(`create ${name} 8192`), 'OK 8192');
    assert.equal(await p.cmd('pattern 3'), 'OK');
    const r = SharedRegion.open(name);
    assert.equal(r.capacity, 8192);
    for (let i = 0; i < 8192; i++) assert.equal(r.buffer[i], pattern(3, i));
    r.buffer[8191] = 1;
    assert.equal(await p.cmd('get 8191'), 'VAL 1');
    r.close();
    assert.equal(existsSync(shmPath(name)), true, 'an opener closing does not remove the region');
    assert.equal(await p.cmd('close'), 'OK');
    await p.end();
    await collectUntil(() => !existsSync(shmPath(name)), 'the last handle out removes it');
    assertZincError(() => SharedRegion.open(name), 'ENOENT', -2);
  }],

  ['views are zero-copy, typed and windowed', () => {
    const r = SharedRegion.create(uniqueName(), 16384);
    try {
      const f = r.view(Float32Array);
      assert.equal(f.length, 4096);
      f[1] = 1.0; // 0x3f800000, little-endian on the hosts Zinc supports
      assert.deepEqual([...r.buffer.subarray(4, 8)], [0x00, 0x00, 0x80, 0x3f]);
      const win = r.view(Uint8Array, 4096, 16);
      assert.equal(win.length, 16);
      win[0] = 9;
      assert.equal(r.buffer[4096], 9);
      const tail = r.view(Uint16Array, 16000);
      assert.equal(tail.length, 192);
      const dv = r.view(DataView, 8, 8);
      dv.setFloat64(0, 3.25, true);
      assert.equal(r.view(Float64Array, 8, 1)[0], 3.25);
      const big = r.view(BigUint64Array, 64, 2);
      big[0] = 0x0102030405060708n;
      assert.equal(r.buffer[64], 8);
      if (runtime === 'node') assert.ok(Buffer.isBuffer(r.view(Buffer, 0, 4)));
      assert.equal(r.view(Uint8Array, 16384).length, 0);
      assert.throws(() => r.view(Float32Array, 2), { name: 'RangeError' });
      assert.throws(() => r.view(Uint8Array, 16385), { name: 'RangeError' });
      assert.throws(() => r.view(Uint8Array, 0, 16385), { name: 'RangeError' });
      assert.throws(() => r.view(Uint32Array, 16380, 2), { name: 'RangeError' });
      assert.throws(() => r.view(Uint8Array, -1), { name: 'RangeError' });
      assert.throws(() => r.view(Uint8Array, 0.5), { name: 'RangeError' });
      assert.throws(() => r.view(Object), { name: 'TypeError' });
      assert.throws(() => r.view('Uint8Array'), { name: 'TypeError' });
    } finally {
      r.close();
    }
  }],

  ['a view beyond the runtime limit is refused; windows reach every byte', async () => {
    const name = uniqueName();
    const cap = 2 ** 32 + 4096;
    let r;
    try {
      r = SharedRegion.create(name, cap);
    } catch (err) {
      if (err instanceof ZincError && (err.code === 'ENOSPC' || err.code === 'ENOMEM')) {
        console.log(`# skipped: /dev/shm cannot hold ${cap} bytes here (${err.message})`);
        return;
      }
      throw err;
    }
    try {
      bigViews(r, cap); // in a function of its own, so that its views become unreachable
    } finally {
      r.close();
    }
    await collectUntil(() => !existsSync(shmPath(name)), 'the 4 GiB views are collected');
  }],

  ['notify/wait across processes; notifications coalesce', async () => {
    const name = uniqueName();
    const r = SharedRegion.create(name, 4096);
    const p = await peer();
    try {
      assert.equal(await p.cmd(`open ${name}`), 'OK 4096');
      assert.equal(await p.cmd('wait 0'), 'false');
      r.notify();
      assert.equal(await p.cmd('wait 10000'), 'true');
      assert.equal(await p.cmd('wait 0'), 'false', 'one notification is seen once');
      r.notify();
      r.notify();
      r.notify();
      assert.equal(await p.cmd('wait 10000'), 'true');
      assert.equal(await p.cmd('wait 0'), 'false', 'three notifications coalesce');
      assert.equal(r.wait(0), true, 'a handle sees its own notifications too');
      assert.equal(r.wait(0), false);
      assert.equal(await p.cmd('notify'), 'OK');
      assert.equal(r.wait(10000), true);
      // A waiter already blocked in the other process is woken.
      p.send('wait 30000');
      await sleep(50);
      r.notify();
      assert.equal(await p.next(), 'true');
      assert.equal(await p.cmd('close'), 'OK');
    } finally {
      await p.end();
      r.close();
    }
  }],

  ['waitAsync keeps the event loop running and resolves on a notification', async () => {
    const name = uniqueName();
    const r = SharedRegion.create(name, 4096);
    const p = await peer();
    try {
      assert.equal(await p.cmd(`open ${name}`), 'OK 4096');
      let ticks = 0;
      let notified = false;
      const timer = setInterval(() => {
        ticks++;
        // Only a running event loop gets here: the notification comes after three ticks.
        if (ticks === 3) {
          p.cmd('notify').then(() => {
            notified = true;
          });
        }
      }, 5);
      const pending = r.waitAsync(30000);
      assert.ok(pending instanceof Promise);
      const result = await pending;
      clearInterval(timer);
      assert.equal(result, true);
      assert.ok(ticks >= 3, `the loop ran ${ticks} ticks during waitAsync`);
      await collectUntil(() => notified, 'the peer acknowledged');
      // Two regions waited on at once, each resolved by its own notification.
      const name2 = uniqueName();
      const r2 = SharedRegion.create(name2, 4096);
      const w1 = r.waitAsync(30000);
      const w2 = r2.waitAsync(30000);
      r2.notify();
      assert.equal(await w2, true);
      assert.equal(await p.cmd('notify'), 'OK');
      assert.equal(await w1, true);
      r2.close();
      // The peer waits asynchronously too; the notification may land before or during it.
      p.send('waitAsync 30000');
      r.notify();
      assert.match(await p.next(), /^true \d+$/);
      assert.equal(await p.cmd('close'), 'OK');
    } finally {
      await p.end();
      r.close();
    }
  }],

  ['timeouts: wait and waitAsync return false', async () => {
    const r = SharedRegion.create(uniqueName(), 4096);
    try {
      assert.equal(r.wait(0), false);
      assert.equal(r.wait(20), false);
      assert.equal(await r.waitAsync(0), false);
      assert.equal(await r.waitAsync(20), false);
      assert.equal(await r.waitAsync(130), false, 'one native wait of the whole timeout');
      r.notify(); // a handle sees its own notification
      assert.equal(r.wait(0), true);
      r.notify();
      assert.equal(await r.waitAsync(Infinity), true);
      r.notify();
      assert.equal(r.wait(zinc.WAIT_FOREVER), true);
      for (const bad of [-1, 1.5, 2 ** 32, NaN, -Infinity]) {
        assert.throws(() => r.wait(bad), { name: 'RangeError' }, `wait(${bad})`);
        await assert.rejects(r.waitAsync(bad), { name: 'RangeError' }, `waitAsync(${bad})`);
      }
      assert.throws(() => r.wait(), { name: 'TypeError' });
      assert.throws(() => r.wait('10'), { name: 'TypeError' });
    } finally {
      r.close();
    }
  }],

  ['every core error: code, errno and the core message', async () => {
    const name = uniqueName();
    const p = await peer();
    try {
      assert.equal(await p.cmd(`create ${name} 4096`), 'OK 4096');
      assertZincError(() => SharedRegion.create(name, 4096), 'EEXIST', -17);
      try {
        SharedRegion.create(name, 4096);
      } catch (err) {
        assert.equal(err.syscall, 'zinc_create');
        assert.equal(err.region, name);
        assert.match(err.stack, /ZincError/);
      }
      const [errLine] = [await p.cmd(`create ${name} 4096`)];
      assert.equal(errLine, `ERR -17 EEXIST ${strerror(-17)}`);
      assert.equal(await p.cmd('close'), 'OK');
    } finally {
      await p.end();
    }
    assertZincError(() => SharedRegion.open(`${name}_missing`), 'ENOENT', -2);
    for (const bad of ['bad/name', '', 'x'.repeat(251), 'caf\u00e9', 'a b', 'nul\0byte']) {
      assertZincError(() => SharedRegion.create(bad, 4096), 'EINVAL', -22);
      assertZincError(() => SharedRegion.open(bad), 'EINVAL', -22);
    }
    for (const cap of [0, 1000, 4097, 0n, 100n]) {
      assertZincError(() => SharedRegion.create(uniqueName(), cap), 'EINVAL', -22);
    }
    // The core reserves the memory up front: a region /dev/shm cannot hold fails at create.
    const huge = uniqueName();
    assertZincError(() => SharedRegion.create(huge, 2 ** 40), 'ENOSPC', -28);
    assert.equal(existsSync(shmPath(huge)), false, 'a failed create leaves nothing behind');
    // Arguments that cannot be passed to C at all are the language's errors.
    assert.throws(() => SharedRegion.create(42, 4096), { name: 'TypeError' });
    assert.throws(() => SharedRegion.open(null), { name: 'TypeError' });
    assert.throws(() => SharedRegion.create(uniqueName(), '4096'), { name: 'TypeError' });
    for (const cap of [-4096, 1.5, NaN, 2 ** 53, -1n, 2n ** 64n]) {
      assert.throws(() => SharedRegion.create(uniqueName(), cap), { name: 'RangeError' }, `capacity ${cap}`);
    }
    assert.throws(() => new SharedRegion(), { name: 'TypeError' });
    // The code table: names for the fixed codes, the platform's errno name otherwise.
    for (
      const [errno, code] of [
        [-1, 'EPERM'],
        [-2, 'ENOENT'],
        [-11, 'EAGAIN'],
        [-17, 'EEXIST'],
        [-22, 'EINVAL'],
        [-74, 'EBADMSG'],
        [-110, 'ETIMEDOUT'],
        [-28, 'ENOSPC'],
        [-12, 'ENOMEM'],
      ]
    ) {
      const err = ZincError.fromCode(errno);
      assert.equal(err.code, code);
      assert.equal(err.errno, errno);
      assert.equal(err.message, strerror(errno));
      assert.ok(err.message.length > 0);
    }
    assert.notEqual(strerror(-17), strerror(-2));
  }],

  ['a corrupted object gives EBADMSG', () => {
    const name = uniqueName();
    const junk = new Uint8Array(64 + 4096).fill(0xab);
    writeFileSync(shmPath(name), junk, { mode: 0o600 });
    try {
      assertZincError(() => SharedRegion.open(name), 'EBADMSG', -74);
      writeFileSync(shmPath(name), new Uint8Array(10), { mode: 0o600 }); // truncated
      assertZincError(() => SharedRegion.open(name), 'EBADMSG', -74);
    } finally {
      rmSync(shmPath(name), { force: true });
    }
  }],

  [
    'a region another user may not open gives EPERM',
    async () => {
      const name = uniqueName();
      const r = SharedRegion.create(name, 4096); // mode 0600, owned by root
      const wrapper = ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
      const p = await peer({ wrapper, env: { DENO_DIR: '/tmp/zinc-js-deno-nobody', HOME: '/tmp' } });
      try {
        assert.equal(await p.cmd(`open ${name}`), `ERR -1 EPERM ${strerror(-1)}`);
      } finally {
        await p.end();
        r.close();
      }
    },
    (process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv')) &&
    'needs root and /usr/bin/setpriv to run a peer as another user',
  ],

  [
    'after close: wait and views give the core -9 error, notify is a no-op, capacity 0, close again a no-op',
    async () => {
      const name = uniqueName();
      const r = SharedRegion.create(name, 4096);
      assert.equal(r.closed, false);
      r.close();
      r.close();
      assert.equal(r.closed, true);
      assert.equal(r.name, name);
      assert.equal(r.capacity, 0);
      r.notify();
      for (const use of [() => r.buffer, () => r.view(Uint8Array), () => r.wait(0), () => r.wait(Infinity)]) {
        assertZincError(use, 'EBADF', -9);
      }
      assert.equal(strerror(-9), 'closed: the handle was closed');
      await assertRejectsZinc(r.waitAsync(0), 'EBADF', -9);
      assert.equal(existsSync(shmPath(name)), false, 'no view: close unmapped and removed it');
    },
  ],

  ['close while a waitAsync(forever) is pending: the core wakes it with -9 within 2 s', async () => {
    // No view is alive, so close() closes the core handle at once: zinc_close wakes the native
    // wait running on the worker thread, which returns -9.
    const name = uniqueName();
    const r = SharedRegion.create(name, 4096);
    const pending = r.waitAsync(Infinity);
    await sleep(100); // the worker is parked inside zinc_wait by now
    const t0 = performance.now();
    r.close();
    await assertRejectsZinc(pending, 'EBADF', -9);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `woken after ${ms} ms`);
    assert.equal(existsSync(shmPath(name)), false);
    // A region the waiter used is gone; a new wait on a new region works (the worker is back).
    const r2 = SharedRegion.create(uniqueName(), 4096);
    r2.notify();
    assert.equal(await r2.waitAsync(10000), true);
    r2.close();
  }],

  ['close while a waitAsync(forever) is pending and a view keeps the mapping: rejects -9 within 2 s', async () => {
    const name = uniqueName();
    const r = SharedRegion.create(name, 4096);
    const box = keepView(r); // in a function of its own: no stray reference here
    const pending = r.waitAsync(Infinity);
    await sleep(100);
    const t0 = performance.now();
    r.close();
    await assertRejectsZinc(pending, 'EBADF', -9);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `rejected after ${ms} ms`);
    box.view[0] = 1; // still mapped
    assert.equal(existsSync(shmPath(name)), true, 'the view defers the unmap');
    box.view = null;
    // The unmap (zinc_close) also wakes the native wait that was let go of.
    await collectUntil(() => !existsSync(shmPath(name)), 'the view is collected');
  }],

  ['closing with live views defers the unmap until they are collected', async () => {
    const name = uniqueName();
    let r = SharedRegion.create(name, 8192);
    let views = [r.buffer, r.view(Float64Array, 4096)];
    r.close();
    views[0][10] = 5; // still mapped: no crash, the bytes are the region's
    views[1][0] = 1.25;
    const p = await peer();
    try {
      assert.equal(await p.cmd(`open ${name}`), 'OK 8192', 'the creator handle is still open underneath');
      assert.equal(await p.cmd('get 10'), 'VAL 5');
      assert.equal(await p.cmd('f32 4096'), `VAL ${new Float32Array(new Float64Array([1.25]).buffer)[0]}`);
      assert.equal(await p.cmd('close'), 'OK');
    } finally {
      await p.end();
    }
    assert.equal(existsSync(shmPath(name)), true);
    views = null;
    r = null;
    await collectUntil(() => !existsSync(shmPath(name)), 'the views are collected');
  }],

  [
    'transferring a view cannot outlive the mapping',
    async () => {
      const name = uniqueName();
      const box = transferView(name); // in a function of its own: no stray references here
      for (let i = 0; i < 20; i++) {
        forceGc();
        await sleep(5);
      }
      if (runtime === 'bun') {
        assert.equal(existsSync(shmPath(name)), true, 'the moved memory still holds the mapping');
      }
      assert.equal(new Uint8Array(box.moved)[0], runtime === 'bun' ? 42 : 1); // still mapped (Bun)
      box.moved = null;
      await collectUntil(() => !existsSync(shmPath(name)), 'every view is collected');
    },
    runtime === 'deno' &&
    'Deno: FFI ArrayBuffers are detachable and carry no deallocator; transferring them is unsupported (README)',
  ],

  ['process exit closes the handles still held', async () => {
    const a = uniqueName();
    const b = uniqueName();
    const p = await peer();
    assert.equal(await p.cmd(`create ${a} 4096`), 'OK 4096');
    assert.equal(await p.cmd('keepview'), 'OK');
    assert.equal(await p.cmd('close'), 'OK'); // deferred: a view is alive
    assert.equal(await p.cmd(`create ${b} 4096`), 'OK 4096'); // never closed
    assert.equal(existsSync(shmPath(a)), true);
    p.send('exit');
    assert.equal(await p.exited, 0);
    assert.equal(existsSync(shmPath(a)), false);
    assert.equal(existsSync(shmPath(b)), false);
  }],

  [
    'an exit handler running after the unmap finds empty views (Bun, Deno)',
    async () => {
      const name = uniqueName();
      const p = await peer();
      assert.equal(await p.cmd(`create ${name} 4096`), 'OK 4096');
      assert.equal(await p.cmd('keepview'), 'OK');
      assert.equal(await p.cmd('exitread'), 'OK');
      p.send('exit');
      assert.equal(await p.next(), 'EXITREAD 0 undefined');
      assert.equal(await p.exited, 0);
      assert.equal(existsSync(shmPath(name)), false);
    },
    runtime === 'node' &&
    'Node.js: koffi views cannot be detached; exit handlers registered after the last create/open must not touch views (README)',
  ],

  ['the conformance agent: writer, reader, checksum, errors', async () => {
    const name = uniqueName();
    const w = new Child(AGENT, ['serve']);
    const rd = new Child(AGENT, ['serve']);
    try {
      w.send(`writer ${name} 65536 11`);
      assert.equal(await w.next(), 'READY');
      rd.send(`reader ${name} 11`);
      assert.equal(await rd.next(), 'OPENED');
      w.send('GO');
      assert.equal(await rd.next(), 'PASS');
      assert.equal(await w.next(), 'PASS');
      // checksum of float32 values 0, 1, 2, ... written here
      const c = uniqueName();
      const r = SharedRegion.create(c, 4096);
      const f = r.view(Float32Array);
      f.forEach((_, i) => {
        f[i] = i;
      });
      rd.send(`checksum ${c}`);
      assert.equal(await rd.next(), 'OPENED');
      r.notify();
      assert.match(await rd.next(), new RegExp(`^CHECKSUM ${(1023 * 1024) / 2} \\d{19}$`));
      r.close();
      rd.send(`reader ${name}_missing 1`);
      assert.equal(await rd.next(), `FAIL -2 ${strerror(-2)}`);
      rd.send('errors');
      assert.equal(await rd.next(), `create_bad_name -22 ${strerror(-22)}`);
      assert.equal(await rd.next(), `create_bad_size -22 ${strerror(-22)}`);
      assert.equal(await rd.next(), `open_missing -2 ${strerror(-2)}`);
      assert.equal(await rd.next(), `open_nul_name -22 ${strerror(-22)}`);
      assert.equal(await rd.next(), `wait_closed -9 ${strerror(-9)}`);
      assert.equal(await rd.next(), 'double_close 0 success');
      assert.equal(await rd.next(), 'DONE');
      rd.send('abi');
      const abi = [];
      for (let line = await rd.next(); line !== 'DONE'; line = await rd.next()) abi.push(line);
      assert.deepEqual(abi.filter((l) => l.startsWith('fn ')), headerFunctions().map((f) => `fn ${f.join(' ')}`));
      assert.deepEqual(
        abi.filter((l) => l.startsWith('const ')),
        [...headerConstants()].map(([k, v]) => `const ${k} ${v}`),
      );
      assert.deepEqual(
        abi.filter((l) => l.startsWith('message ')),
        [-1, -2, -9, -11, -17, -22, -28, -74, -110].map(
          (c) => `message ${c} ${strerror(c)}`,
        ),
      );
      rd.send('quit');
      assert.equal(await rd.exited, 0);
    } finally {
      await w.end();
      await rd.end();
    }
  }],

  ['the constants and the FFI declarations equal include/zinc.h', () => {
    assert.deepEqual(Object.entries(zinc.CONSTANTS), [...headerConstants()]);
    for (const [k, v] of headerConstants()) assert.equal(zinc[k], v, k);
    assert.deepEqual(zinc._ffi.signatures(), headerFunctions().map(([n, r, ...a]) => [n, r, a]));
  }, !existsSync(HEADER) && 'include/zinc.h is not here (not a checkout)'],

  ['the package version is the repository VERSION', () => {
    const pkg = JSON.parse(readFileSync(pathOf('../package.json'), 'utf8'));
    assert.equal(pkg.version, readFileSync(VERSION, 'utf8').trim());
  }, !existsSync(VERSION) && 'VERSION is not here (not a checkout)'],

  ['library lookup: ZINC_LIB or an error, never the working directory; the error lists what was tried', async () => {
    const dir = mkdtempSync(`${os.tmpdir()}/zinc_js_lookup_`);
    try {
      // A working directory holding the library under every name the search uses.
      for (const f of ['libzinc_core.so', 'libzinc_core.so.0']) copyFileSync(zinc.libraryPath, `${dir}/${f}`);
      const script = `${dir}/load.mjs`;
      writeFileSync(
        script,
        `const z = await import(${
          JSON.stringify(pathOf('../src/index.js'))
        });\nconsole.log('LOADED ' + z.libraryPath);\n`,
      );
      const run = async (env) => {
        const [exe, pre] = scriptCommand(script);
        const childEnv = { ...process.env, ...env };
        for (const k of Object.keys(env)) if (env[k] === undefined) delete childEnv[k];
        const p = spawn(exe, [...pre, script], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        p.stdout.on('data', (d) => {
          output += d;
        });
        p.stderr.on('data', (d) => {
          output += d;
        });
        const code = await new Promise((resolve) => p.on('exit', resolve));
        return { code, output };
      };
      const missing = `${dir}/nowhere/libzinc_core.so`;
      const bad = await run({ ZINC_LIB: missing });
      assert.notEqual(bad.code, 0);
      assert.match(bad.output, /zinc: cannot load libzinc_core\.so/);
      assert.match(bad.output, new RegExp(`ZINC_LIB: ${missing}`));
      assert.doesNotMatch(bad.output, /system loader|package:/, 'ZINC_LIB set: nothing else is tried');
      const none = await run({ ZINC_LIB: undefined, LD_LIBRARY_PATH: undefined });
      if (existsSync(pathOf('../native'))) return; // a package copy is installed: it would load
      assert.notEqual(none.code, 0, `loaded from the working directory? ${none.output}`);
      assert.match(none.output, /zinc: cannot load libzinc_core\.so/);
      assert.match(none.output, /package: \S*native\/linux-x64\/libzinc_core\.so/);
      assert.match(none.output, /system loader: libzinc_core\.so\.0/);
      assert.match(none.output, /system loader: libzinc_core\.so:/);
      const good = await run({ ZINC_LIB: zinc.libraryPath });
      assert.equal(good.output.trim(), `LOADED ${zinc.libraryPath}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, (process.platform !== 'linux' || ldconfigHasZinc()) && 'a system copy of libzinc_core.so is installed'],

  ['random sequences of calls never crash and leave nothing behind', async () => {
    let seed = 12345;
    const rand = (n) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const names = [uniqueName(), uniqueName(), uniqueName()];
    let regions = [];
    let views = [];
    const ops = [
      () => regions.push(SharedRegion.create(names[rand(3)], 4096 * (1 + rand(3)))),
      () => regions.push(SharedRegion.open(names[rand(3)])),
      () => regions[rand(regions.length)]?.close(),
      () => views.push(regions[rand(regions.length)]?.view(Uint8Array, rand(3) * 4096)),
      () => views.push(regions[rand(regions.length)]?.buffer),
      () => {
        const v = views[rand(views.length)];
        if (v) v[rand(Math.max(1, v.length))] = rand(256);
      },
      () => views.splice(rand(views.length + 1), 1),
      () => regions[rand(regions.length)]?.notify(),
      () => regions[rand(regions.length)]?.wait(rand(2)),
      () => regions[rand(regions.length)]?.waitAsync(rand(2)).catch(() => {}),
      () => regions[rand(regions.length)]?.view(Float64Array, rand(5000), rand(700)),
      () => forceGc(),
    ];
    let zincErrors = 0;
    for (let i = 0; i < 1500; i++) {
      try {
        ops[rand(ops.length)]();
      } catch (err) {
        if (err instanceof ZincError) zincErrors++;
        else if (!(err instanceof RangeError)) throw err;
      }
      if (i % 100 === 99) await sleep(1);
    }
    assert.ok(zincErrors > 0, 'the sequence hit error paths');
    for (const r of regions) r.close();
    regions = null;
    views = null;
    await collectUntil(() => names.every((n) => !existsSync(shmPath(n))), 'every region is removed');
  }],

  ['nothing left in /dev/shm', async () => {
    await collectUntil(() => leftovers().length === 0, `leftovers: ${leftovers()}`);
    assert.deepEqual(leftovers(), []);
  }],
];
