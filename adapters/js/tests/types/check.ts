// Compiled by `tsc -p test/types` (make test-js): the declarations describe the API.
import { SharedRegion, strerror, WAIT_FOREVER, ZINC_EEXIST, ZincError } from '../../src/node.js';
import * as portable from '../../src/index.js';

const r: SharedRegion = SharedRegion.create('types_check', 4096);
const b: Buffer = r.buffer;
const f: Float32Array = r.view(Float32Array, 0, 4);
const d: DataView = r.view(DataView, 8, 8);
const u: Uint8Array = r.view();
const cap: number = r.capacity;
const name: string = r.name;
r.notify();
const ok: boolean = r.wait(WAIT_FOREVER);
const later: Promise<boolean> = r.waitAsync(10);
r.close();
try {
  SharedRegion.open('missing');
} catch (err) {
  if (err instanceof ZincError) {
    const code: string = err.code;
    const errno: number = err.errno;
    console.log(code, errno, err.message === strerror(errno), ZINC_EEXIST);
  }
}
const p: portable.SharedRegion = portable.SharedRegion.open('x');
const pb: Uint8Array = p.buffer;
console.log(r instanceof SharedRegion, b, f, d, u, cap, name, ok, later, pb, SharedRegion.maxViewBytes);
// @ts-expect-error capacity must be a number or bigint
SharedRegion.create('x', '4096');
// @ts-expect-error views need a constructor of ArrayBufferViews
r.view(Object);
