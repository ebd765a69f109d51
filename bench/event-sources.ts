// Broker and CDC event sources (docs/event-sources.md): records/s and end-to-end latency
// through each kind (postgres-cdc, redis-stream, rabbitmq, nats, mqtt), against the
// platform's own SQS event source mapping measured in the same run with the same function
// and the same number of records. Each kind gets a fresh `nimbus serve` (SQLite), a
// function that logs one line per batch (its start time and the bodies, which carry their
// send times), and an event source with batch size 100 and no batching window; then N
// records are produced at once and read back from the function's log. Called by run.ts,
// or alone: `npx tsc -b && node dist/bench/run.js event-sources` (rewrites only this
// section of RESULTS.md). Kinds whose server is not answering are reported as such. Not a test.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, paginateFilterLogEvents, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipDirectory } from '../src/cli/zip-dir.js';
import { startNode, stopNode } from './cluster.js';
import { body, MQTT_MAX_RECORDS, now, PRODUCERS, type Producer } from './event-sources-producers.js';

const RECORDS = Number(process.env.BENCH_SOURCES_RECORDS ?? 2000);
const BATCH_SIZE = 100;
const FUNCTION = 'bench-source';
const HEADING = '## Broker and CDC event sources vs. the SQS event source mapping';
const WARM_UP_MS = 30_000;
const DELIVERY_MS = 60_000;

/** Logs one line per batch: its start time and every record's body (`<label>:<send time>`), whatever the source's event shape. */
const HANDLER = `const text = (b64) => Buffer.from(b64, 'base64').toString();
exports.handler = async (event) => {
  const at = performance.timeOrigin + performance.now();
  const bodies = event.rmqMessagesByQueue
    ? Object.values(event.rmqMessagesByQueue).flat().map((m) => text(m.data))
    : event.Records.map((r) => r.body ?? r.fields?.m ?? r.dynamodb?.NewImage?.m?.S ?? text(r.data ?? r.payload));
  console.log('SAW ' + at + ' ' + bodies.join(','));
};
`;

interface Seen { readonly sent: number; readonly at: number }

/** What one kind measured; `skipped` says why there is nothing else. */
interface Run {
  readonly kind: string;
  readonly skipped?: string;
  readonly records?: number;
  readonly batches?: number;
  readonly duplicates?: number;
  readonly produceSeconds?: number;
  readonly deliverSeconds?: number;
  readonly latencies?: readonly number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  });
}

/** No pages until the function's first log line made its log group. */
async function* catchMissingGroup<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* pages;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
}

/** The clients of one node, and its function deployed. */
class Platform {
  readonly config;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  constructor(readonly url: string) {
    this.config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
    this.lambda = new LambdaClient(this.config);
    this.logs = new CloudWatchLogsClient(this.config);
  }

  async deploy(work: string): Promise<void> {
    const dir = path.join(work, 'code');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'index.js'), HANDLER);
    await this.lambda.send(new CreateFunctionCommand({ FunctionName: FUNCTION, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: await zipDirectory(dir) } }));
    await waitUntilFunctionActiveV2({ client: this.lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: FUNCTION });
  }

  /** An admin API call (the node is not enforcing signatures); throws on a refusal. */
  async admin<T>(method: string, route: string, request?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/nimbus/v1${route}`, { method, ...(request === undefined ? {} : { body: JSON.stringify(request), headers: { 'content-type': 'application/json' } }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Every label the function logged so far with its send time and when the function saw it (the first time), and each batch's labels. */
  async seen(): Promise<{ records: Map<string, Seen>; batches: string[][]; duplicates: number }> {
    const records = new Map<string, Seen>();
    const batches: string[][] = [];
    let duplicates = 0;
    const pages = paginateFilterLogEvents({ client: this.logs }, { logGroupName: `/aws/lambda/${FUNCTION}`, filterPattern: 'SAW' });
    for await (const page of catchMissingGroup(pages)) {
      for (const e of page.events ?? []) {
        const m = /SAW ([\d.]+) (\S+)/.exec(e.message ?? '');
        if (!m) continue;
        const items = (m[2] as string).split(',').map((item) => item.split(':'));
        batches.push(items.map(([label = '']) => label));
        for (const [label = '', sent = ''] of items) {
          if (records.has(label)) duplicates++;
          else records.set(label, { sent: Number(sent), at: Number(m[1]) });
        }
      }
    }
    return { records, batches, duplicates };
  }

  destroy(): void {
    this.lambda.destroy();
    this.logs.destroy();
  }
}

/** A source under measurement: its producer and how its mapping is made and removed. */
interface Subject {
  readonly producer: Producer;
  readonly map: (platform: Platform) => Promise<() => Promise<void>>;
}

function brokerSubject(producer: Producer): Subject {
  return {
    producer,
    async map(platform) {
      const created = await platform.admin<{ uuid: string }>('POST', '/event-sources', {
        kind: producer.kind, source: producer.source, functionName: FUNCTION, batchSize: BATCH_SIZE, maximumBatchingWindowSeconds: 0,
      });
      return async () => {
        await platform.admin('DELETE', `/event-sources/${created.uuid}`); // the plugin drops its group, consumer, slot, session
      };
    },
  };
}

/**
 * The baseline: a queue of the platform and its Lambda event source mapping, with
 * MaximumConcurrency 2 (Lambda's least: nearest the broker sources' one batch in flight).
 * Lambda allows no batching window only up to 10 records a batch, so the baseline is batch
 * size 10 without a window; batch size 100 (which needs a window of at least 1 s) is shown too.
 */
const SQS = { baseline: { batchSize: 10, window: 0 }, large: { batchSize: BATCH_SIZE, window: 1 } } as const;

async function sqsSubject(platform: Platform, name: string, { batchSize, window }: { batchSize: number; window: number }): Promise<Subject> {
  const sqs = new SQSClient(platform.config);
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '60' } }))).QueueUrl ?? '';
  const producer: Producer = {
    kind: 'sqs',
    source: {},
    async send(labels) {
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < labels.length; i += 10) {
        const entries = labels.slice(i, i + 10).map((l, n) => ({ Id: `m${n}`, MessageBody: body(l) }));
        calls.push(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })));
      }
      await Promise.all(calls);
    },
    async dispose() {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      sqs.destroy();
    },
  };
  return {
    producer,
    async map(p) {
      const mapping = await p.lambda.send(new CreateEventSourceMappingCommand({
        FunctionName: FUNCTION, EventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${name}`, BatchSize: batchSize, MaximumBatchingWindowInSeconds: window, ScalingConfig: { MaximumConcurrency: 2 },
      }));
      return async () => {
        await p.lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
      };
    },
  };
}

/** Sends one warm-up record every 500 ms until the function saw one: the reader is open (a slot, a subscription exists) and an instance is warm. */
async function warmUp(platform: Platform, producer: Producer): Promise<void> {
  const deadline = Date.now() + WARM_UP_MS;
  for (let i = 0; ; i++) {
    await producer.send([`w${i}`]);
    await sleep(500);
    if ([...(await platform.seen()).records.keys()].some((l) => l.startsWith('w'))) return;
    if (Date.now() > deadline) throw new Error(`no warm-up record reached the function in ${WARM_UP_MS / 1000} s`);
  }
}

/** Produces RECORDS records at once and waits until the function saw them all. */
async function measure(platform: Platform, subject: Subject): Promise<Omit<Run, 'kind'>> {
  await warmUp(platform, subject.producer);
  const count = Math.min(RECORDS, subject.producer.maxRecords ?? RECORDS);
  const labels = Array.from({ length: count }, (_, i) => String(i));
  const started = now();
  await subject.producer.send(labels);
  const produced = now();
  const deadline = Date.now() + DELIVERY_MS;
  for (;;) {
    await sleep(250);
    const { records, batches, duplicates } = await platform.seen();
    const measured = labels.flatMap((l) => { const s = records.get(l); return s ? [s] : []; });
    if (measured.length === count) {
      return {
        records: measured.length,
        batches: batches.filter((b) => b.some((l) => !l.startsWith('w'))).length,
        duplicates,
        produceSeconds: (produced - started) / 1000,
        deliverSeconds: (Math.max(...measured.map((s) => s.at)) - started) / 1000,
        latencies: measured.map((s) => s.at - s.sent),
      };
    }
    if (Date.now() > deadline) throw new Error(`only ${measured.length} of ${count} records reached the function in ${DELIVERY_MS / 1000} s`);
  }
}

/** One kind on its own fresh node; failures become a `skipped` row rather than ending the section. */
async function runKind(kind: string, work: string, make: (platform: Platform) => Promise<Subject>): Promise<Run> {
  const node = await startNode(path.join(work, kind), []);
  const platform = new Platform(node.url);
  let subject: Subject | undefined;
  let unmap: (() => Promise<void>) | undefined;
  try {
    await platform.deploy(work);
    subject = await make(platform);
    unmap = await subject.map(platform);
    return { kind, ...(await measure(platform, subject)) };
  } catch (err) {
    return { kind, skipped: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  } finally {
    await unmap?.().catch((err: unknown) => console.error(`${kind}: removing the mapping failed:`, err));
    await subject?.producer.dispose().catch((err: unknown) => console.error(`${kind}: clean-up failed:`, err));
    platform.destroy();
    await stopNode(node);
  }
}

const LABELS: Readonly<Record<string, string>> = {
  sqs: `SQS event source mapping, batch size ${SQS.baseline.batchSize}, no window (baseline)`,
  'sqs-100': `SQS event source mapping, batch size ${SQS.large.batchSize}, ${SQS.large.window} s window`,
};

function report(runs: readonly Run[], machine: string): string[] {
  const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
  const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');
  const sqs = runs.find((r) => r.kind === 'sqs');
  const rate = (r: Run | undefined): number => (r?.records ?? NaN) / (r?.deliverSeconds ?? NaN);
  const p = (r: Run | undefined, n: number): number => percentile(r?.latencies ?? [], n);
  const row = (r: Run): string => {
    const label = LABELS[r.kind] ?? `\`${r.kind}\`, batch size ${BATCH_SIZE}, no window`;
    if (r.skipped !== undefined) return `| ${label} | not measured: ${r.skipped} | | | | | | | | | | |`;
    return `| ${label} | ${r.records ?? 0} | ${r.batches ?? 0} | ${((r.batches ?? 0) / (r.deliverSeconds ?? NaN)).toFixed(0)} | ${(r.produceSeconds ?? 0).toFixed(2)} s | ${(r.deliverSeconds ?? 0).toFixed(2)} s | ${rate(r).toFixed(0)} | ${ratio(rate(r), rate(sqs))} `
      + `| ${ms(p(r, 50))} | ${ms(p(r, 99))} | ${ratio(p(r, 50), p(sqs, 50))} | ${ratio(p(r, 99), p(sqs, 99))} |`;
  };
  const duplicates = runs.reduce((a, r) => a + (r.duplicates ?? 0), 0);
  return [
    `\n${HEADING}\n`,
    `${machine}. Each row runs on its own fresh \`nimbus serve\` (SQLite store) with the same function, which logs one line per batch: the time its handler started and every record's body, each body carrying the time it was handed to the producing client. The event sources (\`POST /nimbus/v1/event-sources\`) have batch size ${BATCH_SIZE} and no batching window. The baseline is the platform's Lambda event source mapping on one of its SQS queues with ScalingConfig MaximumConcurrency 2 (Lambda's least, nearest one batch in flight): Lambda allows no window only up to 10 records a batch, so the baseline is batch size 10; batch size 100, which needs a window of at least 1 s, is the second row. ${RECORDS} records per row, produced all at once after one warm-up record had reached the function (so the reader is open and an instance warm): SendMessageBatch of 10 (SQS), multi-row INSERTs of 10 rows per transaction over 4 connections (postgres-cdc), XADD (redis-stream), publish on a confirm channel (rabbitmq), JetStream publish (nats), QoS 1 publish (mqtt), none awaited one by one. Run alone with \`npx tsc -b && node dist/bench/run.js event-sources\` (rewrites only this section; \`BENCH_SOURCES_RECORDS\` sets the count).\n`,
    '| | records | batches | batches/s | first send → last sent | first send → last seen by the function | records/s | vs. baseline | latency p50 | latency p99 | p50 vs. baseline | p99 vs. baseline |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(row),
    '',
    `- Latency is per record, from its send time to the start of the handler invocation that got it (both clocks of this machine). All records are sent at once, so it is latency under a burst, not on a quiet system: most of it is the wait behind the batches ahead. records/s is the records divided by the time from the first send to the start of the invocation that got the last one (the producer's own time is in the column before). The function's log lines are read back after the run, outside the timing.${duplicates > 0 ? ` ${duplicates} records were delivered twice (at least once); each is counted once, at its first delivery.` : ''}`,
    '- What bounds the broker and CDC rows: an event source keeps one batch in flight and reads the next only after the function returned and the batch was acknowledged (docs/event-sources.md, delivery semantics), so records/s is about the batch size divided by (read + invoke + acknowledge), not the broker\'s speed; a batch holds what arrived while the previous one was being invoked, so batches are smaller than 100 when the invoke is quicker than the producer. Their lead over the baseline comes mostly from carrying up to 10 times as many records per invocation: compare batches/s (invocations per second) across rows. The SQS mapping runs up to two batches at once here and reads an in-process queue; with batch size 100 its last batches wait out the 1 s window, which dominates that row.',
    `- mqtt sends ${Math.min(RECORDS, MQTT_MAX_RECORDS)} records, not ${RECORDS}: Mosquitto with its default settings queues at most 1000 QoS 1 messages for a session beyond those in flight and drops the rest ("Outgoing messages are being dropped" in its log), and the event source holds each PUBACK until the message's batch is done, so a larger burst loses messages at the broker (1,060 of 2,000 arrived in a trial run). Raise \`max_queued_messages\` for bursts. postgres-cdc records reach the event source at commit, through the slot's \`pgoutput\` stream.`,
    '- 2 cores run the node, its function instance, the broker servers, PostgreSQL and the producers at once. The fast rows last tens of milliseconds, so one slow invocation moves them a lot; numbers on this shared VM move by tens of percent between runs: compare ratios from the same run only.',
  ];
}

/** Replaces this section of RESULTS.md, or adds it after the SQS event source mapping section (else before the targets), leaving the others as they are. */
export async function writeEventSourcesSection(resultsFile: string, lines: readonly string[]): Promise<void> {
  const text = await readFile(resultsFile, 'utf8').catch(() => '# Benchmark results\n');
  const endOf = (at: number): number => {
    const next = text.indexOf('\n## ', at + 1);
    return next >= 0 ? next + 1 : text.length;
  };
  const own = text.indexOf(`${HEADING}\n`);
  const sqs = text.indexOf('## SQS event source mapping\n');
  const targets = text.indexOf('## Against the targets');
  const [from, to] = own >= 0 ? [own, endOf(own)] : sqs >= 0 ? [endOf(sqs), endOf(sqs)] : targets >= 0 ? [targets, targets] : [text.length, text.length];
  const joined = `${text.slice(0, from).replace(/\n*$/, '\n\n')}${lines.join('\n').trim()}\n\n${text.slice(to)}`;
  await writeFile(resultsFile, joined.replace(/\n+$/, '\n'));
}

/** Runs the whole section (starts and stops its own nodes); returns RESULTS.md lines. */
export async function eventSourcesBench(): Promise<string[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'nimbus-bench-sources-'));
  const tag = randomBytes(4).toString('hex');
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), load average before the run ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  try {
    const runs: Run[] = [
      await runKind('sqs', work, (platform) => sqsSubject(platform, `bench-sources-${tag}`, SQS.baseline)),
      await runKind('sqs-100', work, (platform) => sqsSubject(platform, `bench-sources-100-${tag}`, SQS.large)),
    ];
    for (const p of PRODUCERS) {
      if (!(await answers(p.port))) {
        runs.push({ kind: p.kind, skipped: `nothing answers on port ${p.port}` });
        continue;
      }
      runs.push(await runKind(p.kind, work, async () => brokerSubject(await p.make(tag))));
    }
    return report(runs, machine);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
