// Test events with the exact shapes AWS sends (lambda-reference §6): what a function
// receives from each trigger, filled in with this platform's names.
export interface EventTemplate { readonly id: string; readonly label: string; readonly event: (fn: string) => unknown }

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

export const TEMPLATES: readonly EventTemplate[] = [
  { id: 'empty', label: 'Empty object', event: () => ({}) },
  {
    id: 'http', label: 'API Gateway HTTP API (v2)', event: () => {
      const now = new Date();
      return {
        version: '2.0', routeKey: '$default', rawPath: '/hello', rawQueryString: 'name=you',
        headers: { accept: '*/*', 'content-type': 'application/json', host: `example.execute-api.${REGION}.localhost`, 'user-agent': 'nimbus-dashboard' },
        queryStringParameters: { name: 'you' },
        requestContext: {
          accountId: ACCOUNT, apiId: 'example', domainName: `example.execute-api.${REGION}.localhost`, domainPrefix: 'example',
          http: { method: 'POST', path: '/hello', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'nimbus-dashboard' },
          requestId: crypto.randomUUID(), routeKey: '$default', stage: '$default',
          time: now.toUTCString(), timeEpoch: now.getTime(),
        },
        body: '{"hello":"world"}', isBase64Encoded: false,
      };
    },
  },
  {
    id: 's3', label: 'S3 put (ObjectCreated:Put)', event: () => ({
      Records: [{
        eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: REGION, eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' }, requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
        s3: {
          s3SchemaVersion: '1.0', configurationId: 'dashboard-test',
          bucket: { name: 'my-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::my-bucket' },
          object: { key: 'uploads/photo.jpg', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
        },
      }],
    }),
  },
  {
    id: 'sqs', label: 'SQS batch', event: () => ({
      Records: [1, 2].map((n) => ({
        messageId: crypto.randomUUID(), receiptHandle: `AQEBdashboard${n}`, body: JSON.stringify({ order: n }),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:my-queue`, awsRegion: REGION,
      })),
    }),
  },
  {
    id: 'schedule', label: 'Scheduled event', event: () => ({
      version: '0', id: crypto.randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), region: REGION,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/my-schedule`], detail: {},
    }),
  },
];
