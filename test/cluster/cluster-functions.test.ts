// Three nodes on one database serve one set of functions: a function deployed through one
// node runs on the others, a code update through one is what the next invoke anywhere runs
// once the update is done (warm instances of the old code retired), and a delete reaches
// every node's cache; so does a change of a function URL's config.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateFunctionUrlConfigCommand, DeleteFunctionCommand, DeleteFunctionUrlConfigCommand, GetFunctionCommand, UpdateFunctionCodeCommand,
  UpdateFunctionUrlConfigCommand, waitUntilFunctionUpdatedV2, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { eventually, startCluster, type Cluster } from '../helpers/cluster.js';
import { deploy, invoke } from '../helpers/functions.js';
import { requirePostgres } from '../helpers/postgres.js';
import { makeZip } from '../helpers/zip.js';

const versionHandler = (version: number): string => `exports.handler = async () => ({ version: ${version} });\n`;

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).name;
  }
  throw new Error('the call succeeded');
}

async function versionRun(client: LambdaClient, name: string): Promise<number> {
  const { output, payload, log } = await invoke(client, name);
  assert.equal(output.FunctionError, undefined, `${JSON.stringify(payload)}\n${log}`);
  return (payload as { version: number }).version;
}

/** UpdateFunctionCode, then wait for LastUpdateStatus Successful, as an SDK user does. */
async function updateCode(client: LambdaClient, name: string, version: number): Promise<void> {
  await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await makeZip({ 'index.js': versionHandler(version) }) }));
  await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

/** Invokes until the node answers ResourceNotFoundException; how many runs it took. */
async function runsUntilNotFound(client: LambdaClient, name: string): Promise<number> {
  let runs = 0;
  await eventually(`${name} to be gone`, async () => {
    const error = await failure(invoke(client, name)).catch(() => undefined);
    if (error === undefined) runs++;
    return error === 'ResourceNotFoundException' ? true : undefined;
  }, 2000, 0);
  return runs;
}

const skip = await requirePostgres();
if (skip) {
  test('cluster: functions across nodes', { skip }, () => undefined);
} else {
  describe('cluster: functions across nodes', () => {
    let cluster: Cluster;
    let a: LambdaClient, b: LambdaClient, c: LambdaClient;
    before(async () => {
      cluster = await startCluster(3);
      [a, b, c] = cluster.nodes.map((n) => n.lambda()) as [LambdaClient, LambdaClient, LambdaClient];
    });
    after(async () => cluster.dispose());

    test('deployed through A, invoked through B and C; updated through B, C runs the new code at once; deleted through C, A no longer finds it', async (t) => {
      await deploy(a, 'shared', { 'index.js': versionHandler(1) }, { timeout: 10 });
      assert.equal(await versionRun(b, 'shared'), 1, 'B');
      assert.equal(await versionRun(c, 'shared'), 1, 'C');
      // C now has a warm instance of version 1; its first call after the update runs version 2.
      await updateCode(b, 'shared', 2);
      assert.equal(await versionRun(c, 'shared'), 2, 'C ran the old code after the update through B');
      assert.equal(await versionRun(a, 'shared'), 2, 'A');

      await c.send(new DeleteFunctionCommand({ FunctionName: 'shared' }));
      assert.equal(await failure(a.send(new GetFunctionCommand({ FunctionName: 'shared' }))), 'ResourceNotFoundException');
      // A loose bound: the delete reaches A's and B's caches by the cluster bus, not a TTL.
      const stale = [await runsUntilNotFound(a, 'shared'), await runsUntilNotFound(b, 'shared')];
      t.diagnostic(`runs of the deleted function before ResourceNotFoundException: A ${stale[0]}, B ${stale[1]}`);
    });

    test('each update through one node is what every warm node runs next', async () => {
      await deploy(b, 'flip', { 'index.js': versionHandler(0) }, { timeout: 10 });
      for (const client of [a, b, c]) assert.equal(await versionRun(client, 'flip'), 0);
      const clients = [a, b, c];
      for (let version = 1; version <= 3; version++) {
        await updateCode(clients[version % 3] as LambdaClient, 'flip', version);
        for (const [label, client] of [['A', a], ['B', b], ['C', c]] as const) {
          assert.equal(await versionRun(client, 'flip'), version, `${label} after update ${version}`);
        }
      }
    });

    test('a function URL changed through one node: the others serve the change (each keeps the configs it serves in memory)', async () => {
      await deploy(a, 'web', { 'index.js': versionHandler(1) });
      await a.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
      const status = async (node: number): Promise<number> => (await fetch(`${cluster.nodes[node]?.url ?? ''}/url/web/`)).status;
      assert.equal(await status(1), 200, 'B serves the URL created through A');
      assert.equal(await status(2), 200, 'C');
      await a.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'AWS_IAM' }));
      await eventually('B to refuse unsigned requests', async () => ((await status(1)) === 403 ? true : undefined), 5_000, 50);
      await eventually('C to refuse unsigned requests', async () => ((await status(2)) === 403 ? true : undefined), 5_000, 50);
      await c.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'web' }));
      await eventually('A to answer 404', async () => ((await status(0)) === 404 ? true : undefined), 5_000, 50);
      await eventually('B to answer 404', async () => ((await status(1)) === 404 ? true : undefined), 5_000, 50);
    });

    // Eventual consistency (docs/cluster.md): a node hears of another node's change by a
    // notice sent after the write, so a call racing it may still see the old state; tests
    // wait for LastUpdateStatus Successful, as AWS clients must.
  });
}
