// docs/s3.md's error table and the S3 error catalogue (src/objects/errors.ts) list the
// same codes with the same statuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { S3_ERROR_CATALOGUE } from '../../src/objects/errors.js';
import { REPO_ROOT } from '../helpers/server.js';

test('docs/s3.md mirrors the S3 error catalogue', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 's3.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Errors'));
  const rows = [...section.matchAll(/^\| (\w+) \| (\d{3}) \|/gm)].map((m) => ({ code: m[1] as string, status: Number(m[2]) }));
  assert.deepEqual(rows.map((r) => r.code).sort(), Object.keys(S3_ERROR_CATALOGUE).sort());
  for (const row of rows) assert.equal(row.status, S3_ERROR_CATALOGUE[row.code as keyof typeof S3_ERROR_CATALOGUE].status, row.code);
});
