// bun test ./tests/bun.test.js
import { test } from 'bun:test';
import { cases } from './cases.js';

for (const [name, body, skip] of cases) {
  if (skip) test.skip(`${name} (skipped: ${skip})`, body);
  else test(name, body, 120_000);
}
