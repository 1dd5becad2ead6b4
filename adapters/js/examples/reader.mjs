// reader.mjs: opens the region (waiting for the writer to create it), reads, replies.
import process from 'node:process';
import { SharedRegion, ZincError } from 'zinc-shm';

const name = process.argv[2] ?? 'js_hello';
let region;
for (let tries = 0; region === undefined; tries++) {
  try {
    region = SharedRegion.open(name);
  } catch (err) {
    if (!(err instanceof ZincError && err.code === 'ENOENT') || tries === 200) throw err;
    await new Promise((resolve) => setTimeout(resolve, 50)); // not created yet
  }
}
try {
  const data = region.buffer;
  while (data[0] !== 1) { // the writer may have written before this handle opened
    if (!(await region.waitAsync(10_000))) throw new Error('no message within 10 s');
  }
  console.log(`reader: ${new TextDecoder().decode(data.subarray(2, 2 + data[1]))}`);
  const reply = new TextEncoder().encode('hello from the reader');
  data.set(reply, 2);
  data[1] = reply.length;
  data[0] = 2; // 2: the reply is there
  region.notify();
} finally {
  region.close();
}
