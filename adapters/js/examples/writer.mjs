// writer.mjs: creates the region, writes a message, and waits for the reader's reply.
import process from 'node:process';
import { SharedRegion } from 'zinc-shm';

const name = process.argv[2] ?? 'js_hello';
const region = SharedRegion.create(name, 4096); // this process owns the region
try {
  const data = region.buffer; // zero-copy over the mapping
  const text = new TextEncoder().encode('hello from the writer');
  data.set(text, 2);
  data[1] = text.length;
  data[0] = 1; // 1: a message is there
  region.notify();
  // A handle also sees its own notify: a wake-up is a hint, the data is the truth.
  while (data[0] !== 2) {
    if (!region.wait(10_000)) throw new Error('no reply within 10 s');
  }
  console.log(`writer: ${new TextDecoder().decode(data.subarray(2, 2 + data[1]))}`);
} finally {
  region.close(); // the last handle out removes the region
}
