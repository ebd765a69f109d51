// Lambda's rules for a function's answer to an SQS batch (ReportBatchItemFailures) and
// which messages are deleted after it, including the FIFO group rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messagesToDelete, reportedFailures } from '../../src/triggers/sqs/batch-response.js';

const ids = new Set(['m1', 'm2', 'm3']);
const answer = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

test('empty, null and empty-list answers report no failure', () => {
  for (const body of ['', 'null', '{}', '{"batchItemFailures":null}', '{"batchItemFailures":[]}', '{"other":1}']) {
    assert.deepEqual(reportedFailures(answer(body), ids), new Set(), body);
  }
});

test('listed ids are the failures', () => {
  assert.deepEqual(reportedFailures(answer({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] }), ids), new Set(['m2', 'm3']));
});

test('answers Lambda cannot read fail the whole batch', () => {
  const broken: unknown[] = [
    'not json', '"a string"', '[1]', '42', { batchItemFailures: 'm1' }, { batchItemFailures: [{ itemIdentifier: '' }] },
    { batchItemFailures: [{ itemIdentifier: null }] }, { batchItemFailures: [{ id: 'm1' }] }, { batchItemFailures: [{ itemIdentifier: 'unknown' }] },
    { batchItemFailures: [null] },
  ];
  for (const body of broken) assert.equal(reportedFailures(answer(body), ids), 'all', JSON.stringify(body));
});

const batch = [
  { messageId: 'a1', groupId: 'a' }, { messageId: 'b1', groupId: 'b' }, { messageId: 'a2', groupId: 'a' }, { messageId: 'a3', groupId: 'a' },
];

test('a standard queue deletes every message but the failed ones', () => {
  assert.deepEqual(messagesToDelete(batch, new Set(['a2']), false).map((m) => m.messageId), ['a1', 'b1', 'a3']);
  assert.deepEqual(messagesToDelete(batch, 'all', false), []);
});

test('a FIFO queue also keeps every later message of a failed group', () => {
  assert.deepEqual(messagesToDelete(batch, new Set(['a2']), true).map((m) => m.messageId), ['a1', 'b1']);
  assert.deepEqual(messagesToDelete(batch, new Set(['b1']), true).map((m) => m.messageId), ['a1', 'a2', 'a3']);
  assert.deepEqual(messagesToDelete(batch, new Set(), true).map((m) => m.messageId), ['a1', 'b1', 'a2', 'a3']);
});
