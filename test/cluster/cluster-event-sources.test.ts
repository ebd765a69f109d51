// An SQS event source mapping in a cluster: one node polls it (a work lease in the shared
// database); when that node is killed with SIGKILL another takes the lease over once it
// expires and the mapping keeps delivering, including the messages the dead node had
// received (they come back after the queue's visibility timeout).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { collectRecords, eventually, sharedRows, startCluster, type Cluster, type RunRecord } from '../helpers/cluster.js';
import { deploy } from '../helpers/functions.js';
import { requirePostgres } from '../helpers/postgres.js';
import type { RunningServer } from '../helpers/server.js';
import { createQueue, sqsClient } from '../helpers/sqs.js';

/** Forwards each message body ({"n": …}) to the queue named by RECORD_QUEUE, after SLEEP_MS. */
const FORWARDER = `const { SQSClient, GetQueueUrlCommand, SendMessageBatchCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
let url;
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, Number(process.env.SLEEP_MS ?? 0)));
  url ??= (await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.RECORD_QUEUE }))).QueueUrl;
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: event.Records.map((r, i) => ({ Id: String(i), MessageBody: r.body })) }));
};
`;

/** The node holding the work lease of the (only) mapping, from the shared database. */
async function pollingNode(schema: string): Promise<string | undefined> {
  const rows = await sharedRows<{ owner: string }>(`SELECT owner FROM ${schema}.work_leases WHERE until > $1`, [Date.now()]);
  return rows.length === 1 ? rows[0]?.owner : undefined;
}

async function sendNumbers(sqs: SQSClient, queueUrl: string, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += 10) {
    const entries = Array.from({ length: Math.min(10, from + count - start) }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ n: start + i }) }));
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    assert.equal(out.Failed?.length ?? 0, 0);
  }
}

const skip = await requirePostgres();
if (skip) {
  test('cluster: SQS event source mappings', { skip }, () => undefined);
} else {
  describe('cluster: SQS event source mappings', () => {
    let cluster: Cluster;
    const clients: SQSClient[] = [];
    before(async () => {
      cluster = await startCluster(3);
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await cluster.dispose();
    });

    test('the node polling a mapping is killed with SIGKILL: another node takes over and every message is delivered', { timeout: 120_000 }, async (t) => {
      const [first] = cluster.nodes as [RunningServer];
      const setup = sqsClient(first);
      clients.push(setup);
      const jobsUrl = await createQueue(setup, 'jobs', { VisibilityTimeout: '6' });
      await createQueue(setup, 'done');
      await deploy(first.lambda(), 'forwarder', { 'index.js': FORWARDER }, { timeout: 3, environment: { RECORD_QUEUE: 'done', SLEEP_MS: '300' } });
      const jobsArn = (await setup.send(new GetQueueAttributesCommand({ QueueUrl: jobsUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      await first.lambda().send(new CreateEventSourceMappingCommand({ FunctionName: 'forwarder', EventSourceArn: jobsArn, BatchSize: 2 }));

      const owner = await eventually('a node to poll the mapping', () => pollingNode(cluster.schema), 20_000);
      const victim = cluster.nodes.find((_, i) => `node-${i}` === owner) as RunningServer;
      assert.ok(victim, `the lease owner ${owner} is one of the nodes`);
      const survivor = cluster.nodes.find((n) => n !== victim) as RunningServer;
      const sqs = sqsClient(survivor);
      clients.push(sqs);
      // The URL as the survivor names it: the SDK sends to a queue URL's own host.
      const doneUrl = await createQueue(sqs, 'done');

      await sendNumbers(sqs, jobsUrl, 0, 40);
      const records: RunRecord[] = [];
      await collectRecords(sqs, doneUrl, records, (r) => r.length >= 6, 30_000);
      await victim.stop('SIGKILL');
      t.diagnostic(`killed ${owner} after ${records.length} deliveries`);
      await sendNumbers(sqs, jobsUrl, 40, 20);

      const distinct = (r: readonly RunRecord[]): number => new Set(r.map((x) => x.n)).size;
      await collectRecords(sqs, doneUrl, records, (r) => distinct(r) >= 60, 60_000);
      assert.deepEqual([...new Set(records.map((r) => r.n))].sort((x, y) => (x ?? 0) - (y ?? 0)), Array.from({ length: 60 }, (_, i) => i));
      const next = await pollingNode(cluster.schema);
      assert.ok(next !== undefined && next !== owner, `another node polls the mapping now (lease owner: ${next})`);
      t.diagnostic(`${records.length - 60} duplicate deliveries; ${next} polls now`);
    });
  });
}
