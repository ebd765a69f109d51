// Event source mappings: messages/s through a mapping (no-op function, batch size 10, the
// mapping's default scaling) and end-to-end latency (SendMessage sent → handler start),
// each against a baseline measured in the same run on the same function:
// - throughput: the same no-op invoked directly (sync Invoke, 8 callers at once) with
//   10-record SQS events, so both deliver the same messages per invocation;
// - latency: a sync Invoke, from just before it is sent to the same first line.
// Called by run.ts with a running platform; `node dist/bench/esm.js <url>` prints the
// section alone. Not a test.
import { pathToFileURL } from 'node:url';
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, InvokeCommand, LambdaClient, UpdateEventSourceMappingCommand, waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import yazl from 'yazl';

const MESSAGES = Number(process.env.BENCH_ESM_MESSAGES ?? 5000);
const LATENCY_SAMPLES = Number(process.env.BENCH_ESM_SAMPLES ?? 100);
const GAP_MS = 30;
const CALLERS = 8;
const NOOP = 'bench-esm-noop';
const STAMP = 'bench-esm-start';
// The first line stamps the start for every message (or the direct invoke's id).
const STAMP_HANDLER = `exports.handler = async (event) => {
  const at = performance.timeOrigin + performance.now();
  for (const id of event.Records ? event.Records.map((r) => r.body) : [event.id]) console.log('STARTED ' + id + ' ' + at);
};
`;

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function zipOf(text: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text), 'index.js', { mtime: new Date(0) });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

interface Clients { readonly lambda: LambdaClient; readonly sqs: SQSClient; readonly logs: CloudWatchLogsClient }

async function deploy(lambda: LambdaClient, name: string, handler: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: await zipOf(handler) },
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

async function queue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '60' } }))).QueueUrl ?? '';
  return { url, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

async function depth(sqs: SQSClient, url: string): Promise<number> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes;
  return Number(a?.ApproximateNumberOfMessages) + Number(a?.ApproximateNumberOfMessagesNotVisible);
}

/** Messages/s through a mapping: the backlog is queued first, then the mapping is enabled and timed until the queue is empty. */
async function mappingRate({ lambda, sqs }: Clients): Promise<number> {
  const q = await queue(sqs, 'bench-esm-throughput');
  const mapping = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: NOOP, EventSourceArn: q.arn, BatchSize: 10, Enabled: false }));
  for (let i = 0; i < MESSAGES; i += 10) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: Array.from({ length: Math.min(10, MESSAGES - i) }, (_, n) => ({ Id: `m${n}`, MessageBody: `message ${i + n}` })) }));
  }
  const started = now();
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
  while ((await depth(sqs, q.url)) > 0) await sleep(50);
  return MESSAGES / ((now() - started) / 1000);
}

/** Messages/s invoking the same function directly with 10-record events, CALLERS at once. */
async function directRate({ lambda }: Clients): Promise<number> {
  const record = { messageId: '00000000-0000-4000-8000-000000000000', receiptHandle: 'x', body: 'message', attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q', awsRegion: 'us-east-1' };
  const payload = Buffer.from(JSON.stringify({ Records: Array.from({ length: 10 }, () => record) }));
  let left = MESSAGES / 10;
  const started = now();
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (left-- > 0) await lambda.send(new InvokeCommand({ FunctionName: NOOP, Payload: payload }));
  }));
  return MESSAGES / ((now() - started) / 1000);
}

async function startedAt(logs: CloudWatchLogsClient, expected: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let tries = 0; tries < 50 && seen.size < expected; tries++) {
    for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: `/aws/lambda/${STAMP}`, filterPattern: 'STARTED' })) {
      for (const e of page.events ?? []) {
        const m = /STARTED (\S+) ([\d.]+)/.exec(e.message ?? '');
        if (m) seen.set(m[1] as string, Number(m[2]));
      }
    }
    if (seen.size < expected) await sleep(200);
  }
  return seen;
}

/** Send → handler start through a mapping, and sync Invoke → handler start, interleaved one at a time on a warm function. */
async function latencies({ lambda, sqs, logs }: Clients): Promise<{ mapped: number[]; direct: number[] }> {
  const q = await queue(sqs, 'bench-esm-latency');
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: STAMP, EventSourceArn: q.arn, BatchSize: 10 }));
  await lambda.send(new InvokeCommand({ FunctionName: STAMP, Payload: Buffer.from('{"id":"warm-up"}') }));
  const sent = new Map<string, number>();
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    sent.set(`q${i}`, now());
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: `q${i}` }));
    await sleep(GAP_MS);
    sent.set(`i${i}`, now());
    await lambda.send(new InvokeCommand({ FunctionName: STAMP, Payload: Buffer.from(JSON.stringify({ id: `i${i}` })) }));
    await sleep(GAP_MS);
  }
  const started = await startedAt(logs, LATENCY_SAMPLES * 2 + 1);
  const of = (prefix: string): number[] => [...sent].flatMap(([id, at]) => (id.startsWith(prefix) && started.has(id) ? [(started.get(id) as number) - at] : []));
  return { mapped: of('q'), direct: of('i') };
}

/** Measures on the platform at `url`; returns RESULTS.md lines. */
export async function esmBench(url: string): Promise<string[]> {
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const clients: Clients = { lambda: new LambdaClient(config), sqs: new SQSClient(config), logs: new CloudWatchLogsClient(config) };
  try {
    await deploy(clients.lambda, NOOP, 'exports.handler = async () => {};\n');
    await deploy(clients.lambda, STAMP, STAMP_HANDLER);
    await directRate(clients); // warm instances for both
    const direct = await directRate(clients);
    const mapped = await mappingRate(clients);
    const latency = await latencies(clients);
    const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
    return [
      '\n## SQS event source mapping\n',
      `Throughput: ${MESSAGES} messages queued first, then the mapping (no-op function, batch size 10, default scaling) enabled and timed until the queue was empty; the baseline invokes the same function directly with 10-record SQS events, ${CALLERS} callers at once.\n`,
      '| | messages/s | vs. baseline |',
      '|---|---|---|',
      `| baseline: direct sync Invoke, 10 records per call | ${direct.toFixed(0)} | 100 % |`,
      `| through the mapping (receive, invoke, delete) | ${mapped.toFixed(0)} | ${((mapped / direct) * 100).toFixed(0)} % |`,
      `\nLatency: from just before SendMessage is sent to the first line of the handler, ${latency.mapped.length} messages one at a time (${GAP_MS} ms apart) on a warm mapping; the baseline is a sync Invoke of the same function, from just before it is sent to the same line, interleaved with them (${latency.direct.length} samples).\n`,
      '| | p50 | p99 |',
      '|---|---|---|',
      `| baseline: Invoke → handler start | ${ms(percentile(latency.direct, 50))} | ${ms(percentile(latency.direct, 99))} |`,
      `| SendMessage → handler start through the mapping | ${ms(percentile(latency.mapped, 50))} | ${ms(percentile(latency.mapped, 99))} |`,
    ];
  } finally {
    clients.lambda.destroy();
    clients.sqs.destroy();
    clients.logs.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.argv[2];
  if (!url) throw new Error('usage: node dist/bench/esm.js <platform url>');
  for (const line of await esmBench(url)) console.log(line);
}
