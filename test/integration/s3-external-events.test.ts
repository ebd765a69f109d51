// An external S3-compatible store (MinIO's webhook target) posting its events to a real
// `nimbus serve`: trigger configuration through the CLI, the token, validation answers,
// and the function receiving the S3 event record through the durable async path.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { nimbus } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { minioBody } from '../helpers/minio-events.js';
import { recorded } from '../helpers/s3-platform.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const TOKEN = 'minio-webhook-token-0123456789';
const RECORDER = {
  'index.js': 'exports.handler = async (event) => { console.log("RECORD " + JSON.stringify({ event, trace: process.env._X_AMZN_TRACE_ID })); };',
};

interface Seen { event: { Records: { s3: { object: { key: string }; configurationId: string }; eventName: string; awsRegion: string }[] }; trace: string }

const seen = (messages: string[]): Seen[] => recorded<Seen>(messages);

describe('external S3 store events (MinIO webhook)', () => {
  let server: RunningServer;
  let logs: CloudWatchLogsClient;
  let dir: string;
  /** `auth` null: no Authorization header. */
  const post = (body: unknown, auth: string | null = `Bearer ${TOKEN}`): Promise<Response> => fetch(`${server.url}/nimbus/v1/s3-events/minio`, {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
  });
  const cli = (...args: string[]): ReturnType<typeof nimbus> => nimbus(['s3-events', ...args, '--endpoint', server.url]);

  before(async () => {
    server = await startServer({ args: ['--s3-events-token', TOKEN] });
    logs = logsClient(server);
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-s3-events-'));
    await deploy(server.lambda(), 'recorder', RECORDER);
  });
  after(async () => {
    logs.destroy();
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('the CLI sets, shows and removes a bucket\'s triggers; missing functions are warned about', async () => {
    const config = path.join(dir, 'photos.json');
    await writeFile(config, JSON.stringify({
      LambdaFunctionConfigurations: [
        { Id: 'thumbs', LambdaFunctionArn: 'recorder', Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } },
        { Id: 'later', LambdaFunctionArn: 'not-deployed-yet', Events: ['s3:ObjectRemoved:*'] },
      ],
    }));
    const put = await cli('put', 'minio', 'photos', config);
    assert.equal(put.code, 0, put.stderr);
    assert.match(put.stderr, /warning: function arn:aws:lambda:us-east-1:000000000000:function:not-deployed-yet does not exist \(yet\)/);
    assert.match(put.stdout, /minio\s+photos\s+thumbs\s+arn:aws:lambda:us-east-1:000000000000:function:recorder\s+s3:ObjectCreated:\*\s+prefix=in\//);
    const list = await cli('list', '--json');
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as { Source: string; Bucket: string; NotificationConfiguration: { LambdaFunctionConfigurations: unknown[] } }[];
    assert.deepEqual(listed.map((t) => [t.Source, t.Bucket, t.NotificationConfiguration.LambdaFunctionConfigurations.length]), [['minio', 'photos', 2]]);

    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'recorder', Events: ['s3:ObjectCreatd:*'] }] }));
    const refused = await cli('put', 'minio', 'other', bad);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /InvalidParameterValueException: LambdaFunctionConfigurations\[0\]\.Events\[0\]: .*unknown event category 'ObjectCreatd'/);

    await cli('put', 'minio', 'scratch', config);
    assert.equal((await cli('remove', 'minio', 'scratch')).code, 0);
    const gone = await cli('get', 'minio', 'scratch');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /ResourceNotFoundException: No trigger configuration for bucket 'scratch' of source 'minio'/);
  });

  test('the endpoint answers MinIO\'s probe, and refuses a wrong token or a bad body in its own error shape', async () => {
    const probe = await fetch(`${server.url}/nimbus/v1/s3-events/minio`, { method: 'HEAD', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(probe.status, 200);
    const noToken = await post(minioBody('photos', 'in%2Fa.jpg'), null);
    assert.equal(noToken.status, 403);
    assert.equal(noToken.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.match(((await noToken.json()) as { Message: string }).Message, /does not carry the token/);
    assert.equal((await post(minioBody('photos', 'in%2Fa.jpg'), 'Bearer wrong-token-wrong-token')).status, 403);
    const notJson = await post('{"Records": [');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    const noRecords = await post({ EventName: 's3:ObjectCreated:Put', Records: [] });
    assert.equal(noRecords.status, 400);
    assert.match(((await noRecords.json()) as { message: string }).message, /Records: must hold at least one record/);
    const unknownBucket = await post(minioBody('elsewhere', 'a.jpg'));
    assert.equal(unknownBucket.status, 404);
    assert.match(((await unknownBucket.json()) as { Message: string }).Message, /nimbus s3-events put minio elsewhere/);
    // The platform keeps serving.
    assert.equal((await fetch(`${server.url}/nimbus/v1/health`)).status, 200);
  });

  test('a posted event reaches the function as S3\'s event record, with a fresh trace chain', async () => {
    const res = await post(minioBody('photos', 'in%2Fcat+photo.jpg'));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { Records: 1, Invocations: 1 });
    const filtered = await post(minioBody('photos', 'out%2Fcat.jpg'));
    assert.deepEqual(await filtered.json(), { Records: 1, Invocations: 0 });
    const messages = await waitForLogs(logs, 'recorder', (m) => seen(m).length >= 1);
    const [first] = seen(messages);
    assert.equal(seen(messages).length, 1);
    const record = first?.event.Records[0];
    assert.equal(record?.eventName, 'ObjectCreated:Put');
    assert.equal(record?.awsRegion, 'us-east-1');
    assert.equal(record?.s3.configurationId, 'thumbs');
    assert.equal(record?.s3.object.key, 'in/cat+photo.jpg');
    assert.match(first?.trace ?? '', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=[0-9a-f]{8}:1$/);
    const events = await nimbus(['events', 'recorder', '--json', '--endpoint', server.url]);
    assert.match(events.stdout, /"Source": "s3"/);
  });
});
