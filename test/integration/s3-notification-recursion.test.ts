// The recursion guard: a function that writes into the bucket that triggers it runs 16
// times for one upload, as on Lambda, then the chain is stopped — the event goes to the
// OnFailure destination, a line to the function's log group — and the platform keeps serving.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { deploy, invoke } from '../helpers/functions.js';
import { waitForLogs } from '../helpers/logs.js';
import { functionArn as arn, RECORDER, recorded, useS3Platform } from '../helpers/s3-platform.js';

// Writes n<i+1> for every n<i> it is told about: an endless loop without the guard. The SDK
// inside the function sends the invocation's trace header on the PutObject by itself.
const LOOP = {
  'index.js': `const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({ forcePathStyle: true });
exports.handler = async (event) => {
  const record = event.Records[0];
  const n = Number(record.s3.object.key.slice(1));
  console.log('LOOP ' + n + ' ' + process.env._X_AMZN_TRACE_ID);
  await s3.send(new PutObjectCommand({ Bucket: record.s3.bucket.name, Key: 'n' + (n + 1), Body: String(n + 1) }));
};
`,
};
interface DestinationRecord { requestContext: { functionArn: string; condition: string }; requestPayload: { Records: { s3: { object: { key: string } } }[] } }

describe('recursion guard', () => {
  const p = useS3Platform();

  test('a function writing into its own trigger bucket is stopped after 16 invocations, with a log line', async () => {
    await deploy(p.lambda, 'recorder', RECORDER);
    await deploy(p.lambda, 'loop', LOOP, { timeout: 10 });
    await p.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'loop', DestinationConfig: { OnFailure: { Destination: arn('recorder') } } }));
    await p.s3.send(new CreateBucketCommand({ Bucket: 'loop-bucket' }));
    await p.s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: 'loop-bucket',
      NotificationConfiguration: { LambdaFunctionConfigurations: [{ Id: 'again', LambdaFunctionArn: arn('loop'), Events: ['s3:ObjectCreated:*'] }] },
    }));
    await p.s3.send(new PutObjectCommand({ Bucket: 'loop-bucket', Key: 'n0', Body: '0' }));

    // The notice is written at once, the 16th run's lines by the batched log writer: wait for both.
    const messages = await waitForLogs(
      p.logs, 'loop', (m) => m.some((line) => line.includes('Recursive loop detected')) && m.filter((line) => line.includes('\tLOOP ')).length >= 16, 60_000,
    );
    const runs = messages.filter((m) => m.includes('\tLOOP ')).map((m) => /LOOP (\d+) (\S+)/.exec(m)).map((m) => ({ n: Number(m?.[1]), trace: m?.[2] ?? '' }));
    assert.deepEqual(runs.map((r) => r.n).sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i));
    // One chain: the same Root throughout, the function's hop count one higher each round.
    const roots = new Set(runs.map((r) => /Root=([^;]+)/.exec(r.trace)?.[1]));
    assert.equal(roots.size, 1);
    for (const run of runs) assert.match(run.trace, new RegExp(`;Lineage=[0-9a-f]{8}:${run.n + 1}$`));
    const notice = messages.find((m) => m.includes('Recursive loop detected')) ?? '';
    assert.match(notice, /WARN\tRecursive loop detected: loop was invoked 16 times in one chain of requests .*source s3.*was stopped \(RecursiveInvocationException\) and its event sent to the OnFailure destination/);

    // The 16th invocation's write happened; nothing ran on it.
    const listed = await p.s3.send(new ListObjectsV2Command({ Bucket: 'loop-bucket' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key).sort(), Array.from({ length: 17 }, (_, i) => `n${i}`).sort());
    const stopped = (m: string[]): DestinationRecord[] => recorded<DestinationRecord>(m).filter((r) => r.requestContext.condition === 'RecursiveInvocationException');
    const [destination] = stopped(await waitForLogs(p.logs, 'recorder', (m) => stopped(m).length > 0));
    assert.equal(destination?.requestContext.functionArn, `${arn('loop')}:$LATEST`);
    assert.equal(destination?.requestPayload.Records[0]?.s3.object.key, 'n16');
    const failed = (await (await fetch(`${p.server.url}/nimbus/v1/events?function=loop&status=failed`)).json()) as { Events: { LastError: string; Source: string }[] };
    assert.equal(failed.Events.length, 1);
    assert.match(failed.Events[0]?.LastError ?? '', /^RecursiveInvocationException/);
    assert.match(p.server.output(), /loop: Recursive loop detected/);

    // The platform keeps serving, and a new upload starts a new chain.
    assert.equal((await invoke(p.lambda, 'recorder', { still: 'here' })).output.StatusCode, 200);
    await p.s3.send(new PutObjectCommand({ Bucket: 'loop-bucket', Key: 'n100', Body: 'fresh' }));
    await waitForLogs(p.logs, 'loop', (m) => m.some((line) => /\tLOOP 101 /.test(line)), 30_000);
  });
});
