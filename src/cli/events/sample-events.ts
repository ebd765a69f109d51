// Realistic sample events for `nimbus invoke --event NAME`: the shapes Lambda delivers
// (lambda-reference.md §6), with fresh ids and times so two calls are two events.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
// Types only (erased): @types/aws-lambda checks that each sample is the shape handlers are typed for.
import type { APIGatewayProxyEventV2, S3Event, ScheduledEvent, SQSEvent } from 'aws-lambda';

export interface SampleContext {
  readonly region: string;
  readonly account: string;
  /** Defaults to the current time. */
  readonly now?: Date;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** API Gateway's `time`: 12/Mar/2020:19:03:58 +0000. */
function apigwTime(d: Date): string {
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function s3Put(c: SampleContext, now: Date): S3Event {
  const body = 'Hello, S3';
  return {
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: c.region, eventTime: now.toISOString(), eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': hex(8).toUpperCase(), 'x-amz-id-2': randomBytes(48).toString('base64') },
      s3: {
        s3SchemaVersion: '1.0', configurationId: 'sample-notification',
        bucket: { name: 'sample-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::sample-bucket' },
        object: { key: 'uploads/sample+photo.jpg', size: body.length, eTag: createHash('md5').update(body).digest('hex'), sequencer: hex(9).toUpperCase() },
      },
    }],
  };
}

function apigwV2(c: SampleContext, now: Date): APIGatewayProxyEventV2 {
  const apiId = hex(5).slice(0, 10);
  const body = JSON.stringify({ hello: 'world' });
  return {
    version: '2.0', routeKey: 'POST /items/{id}', rawPath: '/items/42', rawQueryString: 'verbose=true',
    cookies: ['session=abc123'],
    headers: { accept: 'application/json', 'content-type': 'application/json', 'content-length': String(body.length), host: `${apiId}.execute-api.${c.region}.amazonaws.com`, 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-port': '443', 'x-forwarded-proto': 'https' },
    queryStringParameters: { verbose: 'true' },
    requestContext: {
      accountId: c.account, apiId, domainName: `${apiId}.execute-api.${c.region}.amazonaws.com`, domainPrefix: apiId,
      http: { method: 'POST', path: '/items/42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
      requestId: randomUUID(), routeKey: 'POST /items/{id}', stage: '$default', time: apigwTime(now), timeEpoch: now.getTime(),
    },
    pathParameters: { id: '42' },
    body, isBase64Encoded: false,
  };
}

function sqs(c: SampleContext, now: Date): SQSEvent {
  const body = JSON.stringify({ orderId: 'order-1001', action: 'ship' });
  const sent = String(now.getTime());
  return {
    Records: [{
      messageId: randomUUID(), receiptHandle: `AQEB${randomBytes(60).toString('base64')}`, body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: sent, SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: sent },
      messageAttributes: {}, md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${c.region}:${c.account}:sample-queue`, awsRegion: c.region,
    }],
  };
}

function schedule(c: SampleContext, now: Date): ScheduledEvent {
  return {
    version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: c.account,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), region: c.region,
    resources: [`arn:aws:events:${c.region}:${c.account}:rule/sample-schedule`], detail: {},
  };
}

const SAMPLES = { 's3-put': s3Put, 'apigw-v2': apigwV2, sqs, schedule } as const;

export type SampleEventName = keyof typeof SAMPLES;
export const SAMPLE_EVENT_NAMES: readonly SampleEventName[] = Object.freeze(Object.keys(SAMPLES) as SampleEventName[]);

export function isSampleEventName(name: string): name is SampleEventName {
  return Object.hasOwn(SAMPLES, name);
}

export function sampleEvent<N extends SampleEventName>(name: N, context: SampleContext): ReturnType<(typeof SAMPLES)[N]> {
  return SAMPLES[name](context, context.now ?? new Date()) as ReturnType<(typeof SAMPLES)[N]>;
}
