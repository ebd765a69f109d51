// Put/GetBucketNotificationConfiguration through @aws-sdk/client-s3: Lambda
// configurations are validated (events, filters, overlaps, existing functions) and
// round-trip with the Queue and Topic configurations stored as given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, S3ServiceException,
} from '@aws-sdk/client-s3';
import { deploy } from '../helpers/functions.js';
import { useS3Server } from '../helpers/s3.js';

const Bucket = 'notified';
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:on-upload';

const fixture = useS3Server({
  buckets: [Bucket],
  setup: ({ server }) => deploy(server.lambda(), 'on-upload', { 'index.js': 'exports.handler = async () => null;' }),
});

async function refused(config: ConstructorParameters<typeof PutBucketNotificationConfigurationCommand>[0]['NotificationConfiguration']): Promise<string> {
  try {
    await fixture.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: config }));
  } catch (err) {
    if (err instanceof S3ServiceException) return `${err.name}: ${err.message}`;
    throw err;
  }
  throw new Error('accepted');
}

test('a configuration round-trips: functions with filters, queues and topics as given; empty clears it', async () => {
  await fixture.s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket,
    NotificationConfiguration: {
      LambdaFunctionConfigurations: [
        { Id: 'images', LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.jpg' }] } } },
        { Id: 'removals', LambdaFunctionArn: ARN, Events: ['s3:ObjectRemoved:Delete'] },
      ],
      QueueConfigurations: [{ Id: 'q', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads', Events: ['s3:ObjectCreated:Put'] }],
      TopicConfigurations: [{ Id: 't', TopicArn: 'arn:aws:sns:us-east-1:000000000000:uploads', Events: ['s3:ObjectRemoved:*'] }],
    },
  }));
  const got = await fixture.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
  assert.deepEqual(got.LambdaFunctionConfigurations, [
    { Id: 'images', LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }, { Name: 'Suffix', Value: '.jpg' }] } } },
    { Id: 'removals', LambdaFunctionArn: ARN, Events: ['s3:ObjectRemoved:Delete'] },
  ]);
  assert.deepEqual(got.QueueConfigurations, [{ Id: 'q', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads', Events: ['s3:ObjectCreated:Put'] }]);
  assert.deepEqual(got.TopicConfigurations, [{ Id: 't', TopicArn: 'arn:aws:sns:us-east-1:000000000000:uploads', Events: ['s3:ObjectRemoved:*'] }]);
  await fixture.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: {} }));
  const cleared = await fixture.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
  assert.deepEqual([cleared.LambdaFunctionConfigurations, cleared.QueueConfigurations], [undefined, undefined]);
});

test('bad configurations are InvalidArgument, as S3 words them', async () => {
  assert.match(await refused({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:Upload' as 's3:ObjectCreated:*'] }] }), /^InvalidArgument: The event is not supported for notifications/);
  assert.match(await refused({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: `${ARN}-missing`, Events: ['s3:ObjectCreated:*'] }] }), /^InvalidArgument: Unable to validate the following destination configurations/);
  assert.match(await refused({
    LambdaFunctionConfigurations: [
      { LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a' }] } } },
      { LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'ab' }] } } },
    ],
  }), /^InvalidArgument: Configuration is ambiguously defined/);
  assert.match(await refused({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'middle' as 'prefix', Value: 'x' }] } } }] }), /^InvalidArgument/);
  try {
    await fixture.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'no-such-bucket-n' }));
    assert.fail('answered');
  } catch (err) {
    assert.ok(err instanceof S3ServiceException && err.name === 'NoSuchBucket');
  }
});
