// deno test -A --no-check --v8-flags=--expose-gc tests/deno.test.js
// (-A only because the tests themselves write corrupt objects into /dev/shm, which Deno allows
// only with --allow-all; the peers they start run with --allow-ffi --allow-env=ZINC_LIB.)
import { cases } from './cases.js';

for (const [name, body, skip] of cases) {
  Deno.test({ name: skip ? `${name} (skipped: ${skip})` : name, ignore: Boolean(skip), fn: body });
}
