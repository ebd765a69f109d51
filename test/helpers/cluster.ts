// A cluster for end-to-end tests: several real `nimbus serve` processes on loopback ports,
// each with its own data dir, all on one fresh PostgreSQL schema, as a user runs one.
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { dropSchema, freshSchema, TEST_POSTGRES_URL } from './postgres.js';
import { startServer, type RunningServer } from './server.js';

export interface Cluster {
  readonly schema: string;
  readonly nodes: readonly RunningServer[];
  /** The node whose output says it leads `job` now (the last leadership line of each node decides). */
  leaderOf(job: string): RunningServer | undefined;
  /** Stops every node still running and drops the schema. */
  dispose(): Promise<void>;
}

/** Whether a node's output says it leads `job` now. */
export function leads(node: RunningServer, job: string): boolean {
  const lines = node.output().split('\n').filter((l) => l.includes(`cluster: now leading ${job}`) || l.includes(`cluster: no longer leading ${job}`));
  return lines.at(-1)?.includes('now leading') ?? false;
}

/** `count` nodes named node-0, node-1 … on one fresh schema; `extraArgs` go to every node. */
export async function startCluster(count: number, extraArgs: readonly string[] = []): Promise<Cluster> {
  const schema = freshSchema('nimbus_cluster');
  const nodes: RunningServer[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.dispose()));
    await dropSchema(schema);
  };
  try {
    // The first node migrates the schema; the others start together once it is there.
    const start = (i: number): Promise<RunningServer> => startServer({
      args: ['--store', TEST_POSTGRES_URL, '--store-schema', schema, '--store-connections', '6', '--node-id', `node-${i}`, '--pool-size', '0', ...extraArgs],
    });
    nodes.push(await start(0));
    const rest = await Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
    for (const r of rest) if (r.status === 'fulfilled') nodes.push(r.value);
    for (const r of rest) if (r.status === 'rejected') throw r.reason;
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    schema,
    nodes,
    leaderOf: (job) => nodes.find((n) => n.process.exitCode === null && n.process.signalCode === null && leads(n, job)),
    dispose,
  };
}

/** Rows of one query on the test database, for looking at the cluster's shared state (leases, slots). */
export async function sharedRows<T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, [...params])).rows;
  } finally {
    await client.end();
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A handler that records each run as a message on the platform's own SQS queue named by its
 * RECORD_QUEUE variable (through the SDK with no config, as a user's function would): the
 * event's `n` and `tag`. It works SLEEP_MS first, so a run cut short records nothing.
 */
export const RECORDER_HANDLER = `const { SQSClient, GetQueueUrlCommand, SendMessageCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
let url;
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, Number(process.env.SLEEP_MS ?? 0)));
  url ??= (await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.RECORD_QUEUE }))).QueueUrl;
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ n: event.n ?? null, tag: event.tag ?? null }) }));
  return 'recorded';
};
`;

export interface RunRecord {
  readonly n: number | null;
  readonly tag: string | null;
}

/**
 * Receives records from `queueUrl` (each once: they stay invisible for 12 h) into `into`
 * until `done(into)` holds, failing after `timeoutMs`.
 */
export async function collectRecords(sqs: SQSClient, queueUrl: string, into: RunRecord[], done: (records: readonly RunRecord[]) => boolean, timeoutMs: number): Promise<RunRecord[]> {
  const deadline = Date.now() + timeoutMs;
  while (!done(into)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms collecting records; have ${into.length}`);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 43_200 }));
    for (const m of got.Messages ?? []) into.push(JSON.parse(m.Body ?? '{}') as RunRecord);
  }
  return into;
}
