// Sends the worker a batch with one bad message, as the queue trigger would.
// Run `npx nimbus dev` in another terminal first (or set NIMBUS_ENDPOINT).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeFunction } from './invoke.mjs';

const record = (messageId, body) => ({ messageId, body, eventSource: 'aws:sqs', attributes: {}, messageAttributes: {} });

test('a bad message is reported, good ones pass', async () => {
  const response = await invokeFunction({ Records: [record('m1', '{"id":"1","action":"ship"}'), record('m2', 'not json')] });
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
});
