// Notification configuration validation: event names, filter rules, overlaps, destinations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Error } from '../../src/objects/errors.js';
import { validateNotificationConfig, type LambdaConfigInput } from '../../src/objects/notification-config.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:thumbs';
const exists = (arn: string): Promise<boolean> => Promise.resolve(arn === ARN);

function config(over: Partial<LambdaConfigInput> = {}): LambdaConfigInput {
  return { id: 'c1', functionArn: ARN, events: ['s3:ObjectCreated:*'], filterRules: [], ...over };
}

async function refusal(lambda: LambdaConfigInput[]): Promise<S3Error> {
  try {
    await validateNotificationConfig({ lambda, others: [] }, exists);
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('accepted');
}

test('a valid configuration is stored with lower-case filter names and an id', async () => {
  const stored = await validateNotificationConfig({ lambda: [config({ id: undefined, filterRules: [{ name: 'Prefix', value: 'in/' }, { name: 'suffix', value: '.jpg' }] })], others: [] }, exists);
  const [only] = stored.lambda;
  assert.deepEqual(only?.filterRules, [{ name: 'prefix', value: 'in/' }, { name: 'suffix', value: '.jpg' }]);
  assert.ok((only?.id.length ?? 0) > 0);
});

test('unknown events, bad filter names and duplicate rules are InvalidArgument', async () => {
  assert.equal((await refusal([config({ events: ['s3:ObjectCreated:Paste'] })])).fields.ArgumentValue, 's3:ObjectCreated:Paste');
  assert.equal((await refusal([config({ filterRules: [{ name: 'middle', value: 'x' }] })])).code, 'InvalidArgument');
  assert.equal((await refusal([config({ filterRules: [{ name: 'prefix', value: 'a' }, { name: 'Prefix', value: 'b' }] })])).code, 'InvalidArgument');
});

test('overlapping configurations are ambiguous; disjoint filters or events are not', async () => {
  const overlap = await refusal([config({ filterRules: [{ name: 'prefix', value: 'a/' }] }), config({ id: 'c2', events: ['s3:ObjectCreated:Put'], filterRules: [{ name: 'prefix', value: 'a/b' }] })]);
  assert.match(overlap.message, /ambiguously defined/);
  await validateNotificationConfig({ lambda: [config({ filterRules: [{ name: 'prefix', value: 'a/' }] }), config({ id: 'c2', filterRules: [{ name: 'prefix', value: 'b/' }] })], others: [] }, exists);
  await validateNotificationConfig({ lambda: [config({ filterRules: [{ name: 'suffix', value: '.png' }] }), config({ id: 'c2', filterRules: [{ name: 'suffix', value: '.jpg' }] })], others: [] }, exists);
  await validateNotificationConfig({ lambda: [config(), config({ id: 'c2', events: ['s3:ObjectRemoved:*'] })], others: [] }, exists);
});

test('a destination that is not an existing function is refused as S3 words it', async () => {
  const missing = 'arn:aws:lambda:us-east-1:000000000000:function:nope';
  const err = await refusal([config({ functionArn: missing })]);
  assert.equal(err.message, 'Unable to validate the following destination configurations');
  assert.equal(err.fields.ArgumentName1, missing);
  assert.equal((await refusal([config({ functionArn: 'not-an-arn' })])).code, 'InvalidArgument');
});
