// Fires the job by hand with a scheduled event.
// Run `npx nimbus dev` in another terminal first (or set NIMBUS_ENDPOINT).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeFunction } from './invoke.mjs';

test('the job reports the time it was due', async () => {
  const time = '2026-01-01T01:00:00Z';
  const response = await invokeFunction({ version: '0', id: 'test', 'detail-type': 'Scheduled Event', source: 'aws.events', time, detail: {} });
  assert.deepEqual(response, { dueAt: time });
});
