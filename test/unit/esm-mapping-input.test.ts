// The rules of an SQS mapping's settings: defaults, limits, the rules across fields, and
// how an update applies over the current settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionTarget, resolveSettings } from '../../src/control/event-source-mappings/mapping-input.js';
import { NimbusError } from '../../src/errors.js';

const target = { functionName: 'fn', qualifier: undefined };
const scope = { account: '000000000000', region: 'us-east-1' };

function refused(run: () => unknown): NimbusError {
  try {
    run();
  } catch (err) {
    if (err instanceof NimbusError) return err;
    throw err;
  }
  throw new Error('accepted');
}

test('defaults are Lambda\'s: 10 a batch, no window, enabled, no cap, no partial batch responses', () => {
  assert.deepEqual(resolveSettings({}, undefined, target, false), {
    functionName: 'fn', qualifier: undefined, batchSize: 10, maximumBatchingWindowSeconds: 0, reportBatchItemFailures: false, maximumConcurrency: undefined, enabled: true,
  });
});

test('an update changes what it names and keeps the rest; an empty ScalingConfig removes the cap', () => {
  const current = resolveSettings({ batchSize: 100, maximumBatchingWindowSeconds: 5, functionResponseTypes: ['ReportBatchItemFailures'], maximumConcurrency: 4 }, undefined, target, false);
  const next = resolveSettings({ enabled: false }, current, target, false);
  assert.deepEqual(next, { ...current, enabled: false });
  assert.equal(resolveSettings({ maximumConcurrency: null }, current, target, false).maximumConcurrency, undefined);
  assert.equal(resolveSettings({ functionResponseTypes: [] }, current, target, false).reportBatchItemFailures, false);
  // The window rule is checked on the result: dropping the window of a 100-message batch is refused.
  assert.match(refused(() => resolveSettings({ maximumBatchingWindowSeconds: 0 }, current, target, false)).message, /^Maximum batch window in seconds must be greater than 0/);
});

test('limits name the field', () => {
  assert.match(refused(() => resolveSettings({ batchSize: 2.5 }, undefined, target, false)).message, /^BatchSize: /);
  assert.equal(resolveSettings({ batchSize: 10 }, undefined, target, true).batchSize, 10);
  assert.match(refused(() => resolveSettings({ batchSize: 11, maximumBatchingWindowSeconds: 1 }, undefined, target, true)).message, /^BatchSize: must be an integer from 1 to 10 \(got 11\)$/);
  assert.match(refused(() => resolveSettings({ maximumConcurrency: 1001 }, undefined, target, false)).message, /^ScalingConfig\.MaximumConcurrency: /);
  assert.match(refused(() => resolveSettings({ otherSourceMembers: ['BisectBatchOnFunctionError'] }, undefined, target, false)).message, /^BisectBatchOnFunctionError: is not supported/);
});

test('a function in another region or account is refused', () => {
  assert.equal(refused(() => functionTarget(scope, 'arn:aws:lambda:eu-west-1:000000000000:function:fn')).code, 'ResourceNotFoundException');
  assert.match(refused(() => functionTarget(scope, 'arn:aws:lambda:us-east-1:111111111111:function:fn')).message, /^FunctionName: /);
  assert.deepEqual(functionTarget(scope, 'arn:aws:lambda:us-east-1:000000000000:function:fn:live'), { key: { ...scope, name: 'fn' }, qualifier: 'live' });
});
