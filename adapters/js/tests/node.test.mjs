// node --expose-gc --test tests/node.test.mjs
import { test } from 'node:test';
import { cases } from './cases.js';

for (const [name, body, skip] of cases) test(name, { timeout: 120_000, skip: skip || false }, body);
