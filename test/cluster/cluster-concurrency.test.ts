// Reserved concurrency is a cluster-wide limit: with PutFunctionConcurrency 2, six
// concurrent invokes spread over three nodes run two at a time in total, not two per node.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PutFunctionConcurrencyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import pg from 'pg';
import { eventually, startCluster, type Cluster } from '../helpers/cluster.js';
import { deploy, invoke } from '../helpers/functions.js';
import { requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import type { RunningServer } from '../helpers/server.js';

const SLEEPER = `exports.handler = async () => { await new Promise((r) => setTimeout(r, 2500)); return 'slept'; };\n`;

/** The nodes holding slots of reserved concurrency now, from the shared database. */
async function slotHolders(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query<{ holder: string }>(`SELECT holder FROM ${schema}.concurrency_slots WHERE holder IS NOT NULL AND until > $1 ORDER BY holder`, [Date.now()]);
    return result.rows.map((r) => r.holder);
  } finally {
    await client.end();
  }
}

const skip = await requirePostgres();
if (skip) {
  test('cluster: reserved concurrency', { skip }, () => undefined);
} else {
  describe('cluster: reserved concurrency', () => {
    let cluster: Cluster;
    let clients: LambdaClient[];
    before(async () => {
      cluster = await startCluster(3);
      // RunningServer.lambda() makes clients with maxAttempts 1: a throttle is not retried.
      clients = cluster.nodes.map((n) => n.lambda());
    });
    after(async () => cluster.dispose());

    test('reserved concurrency 2 holds across nodes: of 6 concurrent invokes (2 per node) 2 run and 4 are throttled', async () => {
      const [first] = clients as [LambdaClient];
      await deploy(first, 'limited', { 'index.js': SLEEPER }, { timeout: 10 });
      await first.send(new PutFunctionConcurrencyCommand({ FunctionName: 'limited', ReservedConcurrentExecutions: 2 }));
      const settled = await Promise.allSettled(clients.flatMap((client) => [invoke(client, 'limited'), invoke(client, 'limited')]));
      const succeeded = settled.filter((s) => s.status === 'fulfilled');
      const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error & { Reason?: string; $metadata?: { httpStatusCode?: number } }] : []));
      for (const s of succeeded) assert.equal(s.value.payload, 'slept', s.value.log);
      assert.deepEqual(failed.map((e) => [e.name, e.Reason, e.$metadata?.httpStatusCode]), Array(4).fill(['TooManyRequestsException', 'ReservedFunctionConcurrentInvocationLimitExceeded', 429]));
      assert.equal(succeeded.length, 2);

      // The slots came back: two more run afterwards, through nodes that were throttled.
      const again = await Promise.all([invoke(clients[1] as LambdaClient, 'limited'), invoke(clients[2] as LambdaClient, 'limited')]);
      assert.deepEqual(again.map((r) => r.payload), ['slept', 'slept']);
    });

    // Last: it kills a node of the shared cluster.
    test('a slot held by a node killed mid-invoke comes back (after its timeout + 30 s at most)', { timeout: 90_000 }, async (t) => {
      const [first, victim] = clients as [LambdaClient, LambdaClient];
      await deploy(first, 'single', { 'index.js': SLEEPER }, { timeout: 4 });
      await first.send(new PutFunctionConcurrencyCommand({ FunctionName: 'single', ReservedConcurrentExecutions: 1 }));
      const running = invoke(victim, 'single').catch((err: Error) => err);
      await eventually('node-1 to hold the slot', async () => ((await slotHolders(cluster.schema)).includes('node-1') ? true : undefined));
      await (cluster.nodes[1] as RunningServer).stop('SIGKILL');
      assert.ok((await running) instanceof Error, 'the invoke running on the killed node fails');
      assert.deepEqual(await slotHolders(cluster.schema), ['node-1'], 'the dead node still holds its slot');
      const killedAt = Date.now();
      const payload = await eventually('the slot to come back', async () => {
        try {
          return (await invoke(first, 'single')).payload;
        } catch (err) {
          if ((err as { Reason?: string }).Reason === 'ReservedFunctionConcurrentInvocationLimitExceeded') return undefined;
          throw err;
        }
      }, 60_000, 1000);
      assert.equal(payload, 'slept');
      t.diagnostic(`the dead node's slot came back ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    });
  });
}
