// `nimbus invoke --event NAME`: each sample has the shape Lambda delivers (lambda-reference.md §6).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { isSampleEventName, SAMPLE_EVENT_NAMES, sampleEvent } from '../../src/cli/events/sample-events.js';
import { main } from '../../src/cli/main.js';

const ctx = { region: 'eu-west-1', account: '123456789012', now: new Date('2026-03-12T19:03:58.390Z') };

describe('sample events', () => {
  test('there are exactly the four documented names', () => {
    assert.deepEqual([...SAMPLE_EVENT_NAMES].sort(), ['apigw-v2', 's3-put', 'schedule', 'sqs']);
    assert.equal(isSampleEventName('toString'), false);
  });

  test('s3-put is an ObjectCreated:Put record', () => {
    const event = sampleEvent('s3-put', ctx);
    assert.equal(event.Records.length, 1);
    const r = event.Records[0]!;
    assert.deepEqual(Object.keys(r).sort(), ['awsRegion', 'eventName', 'eventSource', 'eventTime', 'eventVersion', 'requestParameters', 'responseElements', 's3', 'userIdentity']);
    assert.equal(r.eventSource, 'aws:s3');
    assert.equal(r.eventVersion, '2.1');
    assert.equal(r.eventName, 'ObjectCreated:Put');
    assert.equal(r.awsRegion, 'eu-west-1');
    assert.equal(r.eventTime, '2026-03-12T19:03:58.390Z');
    assert.equal(r.s3.s3SchemaVersion, '1.0');
    assert.equal(r.s3.bucket.arn, `arn:aws:s3:::${r.s3.bucket.name}`);
    assert.equal(typeof r.s3.object.size, 'number');
    assert.match(r.s3.object.eTag, /^[0-9a-f]{32}$/);
    assert.match(r.s3.object.sequencer, /^[0-9A-F]+$/);
    assert.match(r.s3.object.key, /\+/, 'keys are form-encoded, spaces as +');
  });

  test('apigw-v2 is an HTTP API payload 2.0 request', () => {
    const e = sampleEvent('apigw-v2', ctx);
    assert.equal(e.version, '2.0');
    assert.equal(e.routeKey, e.requestContext.routeKey);
    assert.equal(e.requestContext.accountId, '123456789012');
    assert.equal(e.requestContext.http.path, e.rawPath);
    assert.equal(e.requestContext.time, '12/Mar/2026:19:03:58 +0000');
    assert.equal(e.requestContext.timeEpoch, ctx.now.getTime());
    assert.equal(e.requestContext.domainName, `${e.requestContext.apiId}.execute-api.eu-west-1.amazonaws.com`);
    assert.ok(Object.keys(e.headers).every((h) => h === h.toLowerCase()), 'header names are lower case');
    assert.equal(e.isBase64Encoded, false);
    assert.equal(Number(e.headers['content-length']), e.body?.length);
    assert.deepEqual(e.pathParameters, { id: '42' });
  });

  test('sqs is a one-message batch whose md5 matches its body', () => {
    const r = sampleEvent('sqs', ctx).Records[0]!;
    assert.equal(r.eventSource, 'aws:sqs');
    assert.equal(r.eventSourceARN, 'arn:aws:sqs:eu-west-1:123456789012:sample-queue');
    assert.equal(r.md5OfBody, createHash('md5').update(r.body).digest('hex'));
    assert.equal(r.attributes.ApproximateReceiveCount, '1');
    assert.equal(r.attributes.SentTimestamp, String(ctx.now.getTime()));
    assert.match(r.messageId, /^[0-9a-f-]{36}$/);
  });

  test('schedule is an EventBridge Scheduled Event', () => {
    const e = sampleEvent('schedule', ctx);
    assert.deepEqual(Object.keys(e).sort(), ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
    assert.equal(e['detail-type'], 'Scheduled Event');
    assert.equal(e.source, 'aws.events');
    assert.equal(e.time, '2026-03-12T19:03:58Z');
    assert.deepEqual(e.resources, ['arn:aws:events:eu-west-1:123456789012:rule/sample-schedule']);
  });

  test('two samples are two events: fresh ids', () => {
    const a = sampleEvent('sqs', ctx).Records[0]!.messageId;
    const b = sampleEvent('sqs', ctx).Records[0]!.messageId;
    assert.notEqual(a, b);
  });

  test('nimbus invoke rejects an unknown sample and --payload with --event, before any connection', async () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (l: string) => void errors.push(l), env: { NIMBUS_ENDPOINT: 'http://127.0.0.1:1' }, cwd: '/' };
    assert.equal(await main(['invoke', 'f', '--event', 'kinesis'], io), 2);
    assert.match(errors[0] ?? '', /--event must be one of s3-put, apigw-v2, sqs, schedule, got 'kinesis'/);
    assert.equal(await main(['invoke', 'f', '--event', 'sqs', '--payload', '{}'], io), 2);
    assert.match(errors[2] ?? '', /--payload or --event, not both/);
  });
});
