// docs/sqs.md and src/queues/errors.ts must list the same SQS errors with the same codes and statuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SQS_ERRORS } from '../../src/queues/errors.js';
import { REPO_ROOT } from '../helpers/server.js';

test('docs/sqs.md mirrors the SQS error catalogue', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'sqs.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `(\w+)` \| `([\w.]+)` \| (\d{3}) \| (Sender|Receiver) \|/gm)].map((m) => ({ code: m[1], queryCode: m[2], status: Number(m[3]), fault: m[4] }));
  assert.deepEqual(rows.map((r) => r.code).sort(), Object.keys(SQS_ERRORS).sort());
  for (const row of rows) {
    const spec = SQS_ERRORS[row.code as keyof typeof SQS_ERRORS];
    assert.deepEqual({ queryCode: row.queryCode, status: row.status, fault: row.fault }, { queryCode: spec.queryCode, status: spec.status, fault: spec.fault }, row.code);
  }
});
