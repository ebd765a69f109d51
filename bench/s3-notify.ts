// Upload-to-function-start latency: from just before PutObject is sent to the first line
// of the notified function's handler, against a baseline measured in the same run on the
// same warm function — an async Invoke (InvocationType Event) from just before it is sent
// to the handler's first line. The difference is what the S3 path adds: the object write,
// the outbox, the notifier and the event record. Both clocks are `timeOrigin + now()` of
// processes on this machine. Called by run.ts with a running platform; not a test.
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import yazl from 'yazl';

const SAMPLES = Number(process.env.BENCH_S3_SAMPLES ?? 40);
const GAP_MS = 250;
const FUNCTION = 'bench-s3-start';
const BUCKET = 'bench-uploads';
// The first line stamps the start; the id is the object key or the invoke payload's id.
const HANDLER = `exports.handler = async (event) => {
  const at = performance.timeOrigin + performance.now();
  const id = event.Records ? event.Records[0].s3.object.key : event.id;
  console.log('STARTED ' + id + ' ' + at);
};
`;

export interface LatencySummary { p50: number; p99: number; samples: number }

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function zipOf(name: string, text: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text), name, { mtime: new Date(0) });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startedAt(logs: CloudWatchLogsClient, expected: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let tries = 0; tries < 50 && seen.size < expected; tries++) {
    for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: `/aws/lambda/${FUNCTION}`, filterPattern: 'STARTED' })) {
      for (const e of page.events ?? []) {
        const m = /STARTED (\S+) ([\d.]+)/.exec(e.message ?? '');
        if (m) seen.set(m[1] as string, Number(m[2]));
      }
    }
    if (seen.size < expected) await sleep(200);
  }
  return seen;
}

function summary(sent: ReadonlyMap<string, number>, started: ReadonlyMap<string, number>): LatencySummary {
  const latencies = [...sent].flatMap(([id, at]) => (started.has(id) ? [(started.get(id) as number) - at] : []));
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length };
}

/** Measures both paths on the platform at `url`; returns RESULTS.md lines. */
export async function s3NotifyBench(url: string): Promise<string[]> {
  const client = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const lambda = new LambdaClient(client);
  const s3 = new S3Client({ ...client, forcePathStyle: true });
  const logs = new CloudWatchLogsClient(client);
  try {
    await lambda.send(new CreateFunctionCommand({
      FunctionName: FUNCTION, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler',
      Code: { ZipFile: await zipOf('index.js', HANDLER) },
    }));
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: FUNCTION });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${FUNCTION}`, Events: ['s3:ObjectCreated:*'] }] },
    }));
    await lambda.send(new InvokeCommand({ FunctionName: FUNCTION, Payload: Buffer.from('{"id":"warm-up"}') })); // a warm instance for both paths

    const sent = { s3: new Map<string, number>(), invoke: new Map<string, number>() };
    const putRoundTrips: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Interleaved, one at a time, so both paths see the same machine state and an idle instance.
      const key = `s${i}`;
      const putAt = now();
      sent.s3.set(key, putAt);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
      putRoundTrips.push(now() - putAt);
      await sleep(GAP_MS);
      const id = `i${i}`;
      sent.invoke.set(id, now());
      await lambda.send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ id })) }));
      await sleep(GAP_MS);
    }
    const started = await startedAt(logs, SAMPLES * 2 + 1);
    const upload = summary(sent.s3, started);
    const invoke = summary(sent.invoke, started);
    const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
    return [
      '\n## Upload to function start (S3 notification)\n',
      `From just before the client sends PutObject (1-byte object) to the first line of the notified handler, ${upload.samples} samples one at a time on a warm function; the baseline is an async Invoke (Event) of the same function, from just before it is sent to the same line, interleaved with them (${invoke.samples} samples).\n`,
      '| | p50 | p99 |',
      '|---|---|---|',
      `| baseline: Invoke Event → handler start | ${ms(invoke.p50)} | ${ms(invoke.p99)} |`,
      `| PutObject → notified handler start | ${ms(upload.p50)} | ${ms(upload.p99)} |`,
      `| added by the S3 path (p50) | ${ms(upload.p50 - invoke.p50)} | |`,
      `| for scale: the PutObject round trip (object durable, event in the outbox) | ${ms(percentile(putRoundTrips, 50))} | ${ms(percentile(putRoundTrips, 99))} |`,
    ];
  } finally {
    lambda.destroy();
    s3.destroy();
    logs.destroy();
  }
}
