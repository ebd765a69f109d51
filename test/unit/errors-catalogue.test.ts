// docs/errors.md and src/errors.ts must list the same codes with the same statuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/server.js';

test('docs/errors.md mirrors the error catalogue', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\w+) \| (\d+|–) \| (User|Service) \|/gm)].map((m) => ({ code: m[1], status: m[2], kind: m[3] }));
  assert.deepEqual(rows.map((r) => r.code).sort(), Object.keys(ERROR_CATALOGUE).sort());
  for (const row of rows) {
    const spec = ERROR_CATALOGUE[row.code as keyof typeof ERROR_CATALOGUE];
    if (row.status !== '–') assert.equal(Number(row.status), spec.status, row.code);
    assert.equal(row.kind, spec.kind, row.code);
  }
});
