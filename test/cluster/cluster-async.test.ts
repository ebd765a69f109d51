// Async invocations in a cluster survive a node's crash: 1,000 `InvocationType: Event`
// calls spread over three nodes, one node killed with SIGKILL while it delivers its share;
// the survivors deliver everything, including the events the dead node had leased once its
// leases expire (about a minute: the initial lease, or the function's timeout + 60 s).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { collectRecords, RECORDER_HANDLER, sharedRows, startCluster, type Cluster, type RunRecord } from '../helpers/cluster.js';
import { deploy } from '../helpers/functions.js';
import { requirePostgres } from '../helpers/postgres.js';
import type { RunningServer } from '../helpers/server.js';
import { createQueue, sqsClient } from '../helpers/sqs.js';

const EVENTS = 1000;
const ASYNC_CONCURRENCY = 8;

/** Async events the node holds a lease on, read from the shared database. */
async function leasedBy(schema: string, nodeId: string): Promise<number> {
  const rows = await sharedRows<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.async_events WHERE status = 'leased' AND lease_owner = $1`, [nodeId]);
  return rows[0]?.n ?? 0;
}

const skip = await requirePostgres();
if (skip) {
  test('cluster: async events', { skip }, () => undefined);
} else {
  describe('cluster: async events', () => {
    let cluster: Cluster;
    let sqs: SQSClient;
    before(async () => {
      cluster = await startCluster(3, ['--async-concurrency', String(ASYNC_CONCURRENCY)]);
      sqs = sqsClient(cluster.nodes[0] as RunningServer);
    });
    after(async () => {
      sqs.destroy();
      await cluster.dispose();
    });

    test(`${EVENTS} async events over three nodes, one killed with SIGKILL mid-way: every event is delivered`, { timeout: 200_000 }, async (t) => {
      const victim = cluster.nodes[1] as RunningServer;
      const queueUrl = await createQueue(sqs, 'deliveries');
      const clients: LambdaClient[] = cluster.nodes.map((n) => n.lambda());
      await deploy(clients[0] as LambdaClient, 'recorder', { 'index.js': RECORDER_HANDLER }, { timeout: 3, environment: { RECORD_QUEUE: 'deliveries', SLEEP_MS: '200' } });

      // Round-robin over the nodes, a few dozen calls in flight at a time.
      let next = 0;
      const submit = async (): Promise<void> => {
        while (next < EVENTS) {
          const n = next++;
          const out = await (clients[n % clients.length] as LambdaClient).send(new InvokeCommand({ FunctionName: 'recorder', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ n })) }));
          assert.equal(out.StatusCode, 202);
        }
      };
      await Promise.all(Array.from({ length: 30 }, submit));

      const records: RunRecord[] = [];
      await collectRecords(sqs, queueUrl, records, (r) => r.length >= EVENTS / 4, 120_000);
      await victim.stop('SIGKILL');
      const orphaned = await leasedBy(cluster.schema, 'node-1');
      t.diagnostic(`killed node-1 after ${records.length} deliveries; it held ${orphaned} leased event(s)`);
      assert.ok(orphaned > 0, `the killed node held leases (else this test shows no takeover); its output:\n${victim.output().slice(-3000)}`);

      const distinct = (r: readonly RunRecord[]): number => new Set(r.map((x) => x.n)).size;
      await collectRecords(sqs, queueUrl, records, (r) => distinct(r) >= EVENTS, 170_000);
      // Anything still in flight would be a duplicate: give it a moment to show.
      await collectRecords(sqs, queueUrl, records, () => false, 2_000).catch(() => undefined);

      const seen = records.map((r) => r.n);
      assert.deepEqual([...new Set(seen)].sort((x, y) => (x ?? 0) - (y ?? 0)), Array.from({ length: EVENTS }, (_, i) => i));
      const duplicates = seen.length - EVENTS;
      t.diagnostic(`${duplicates} duplicate deliveries (allowed only for events running on the killed node)`);
      assert.ok(duplicates <= orphaned, `${duplicates} duplicates, more than the ${orphaned} events the killed node had leased`);
    });
  });
}
