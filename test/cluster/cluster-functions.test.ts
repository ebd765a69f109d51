// Three nodes on one database serve one set of functions: a function deployed through one
// node runs on the others, a code update through one is what the next invoke anywhere runs
// (warm instances of the old code retired), and a delete is seen everywhere at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, UpdateFunctionCodeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { deploy, invoke } from '../helpers/functions.js';
import { requirePostgres } from '../helpers/postgres.js';
import { makeZip } from '../helpers/zip.js';

const versionHandler = (version: number): string => `exports.handler = async () => ({ version: ${version}, node: process.env.AWS_ENDPOINT_URL });\n`;

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).name;
  }
  throw new Error('the call succeeded');
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

    test('deployed through A, invoked through B and C; updated through B, C runs the new code at once; deleted through C, A no longer finds it', async () => {
      await deploy(a, 'shared', { 'index.js': versionHandler(1) }, { timeout: 10 });
      for (const [label, client] of [['B', b], ['C', c]] as const) {
        const { output, payload, log } = await invoke(client, 'shared');
        assert.equal(output.FunctionError, undefined, `${label}: ${JSON.stringify(payload)}\n${log}`);
        assert.equal((payload as { version: number }).version, 1, label);
      }
      // C now has a warm instance of version 1.
      await b.send(new UpdateFunctionCodeCommand({ FunctionName: 'shared', ZipFile: await makeZip({ 'index.js': versionHandler(2) }) }));
      const updated = await invoke(c, 'shared');
      assert.equal((updated.payload as { version: number }).version, 2, `C ran old code right after the update through B: ${JSON.stringify(updated.payload)}`);
      // A never ran it: it fetches the new code from the database.
      assert.equal(((await invoke(a, 'shared')).payload as { version: number }).version, 2);

      await c.send(new DeleteFunctionCommand({ FunctionName: 'shared' }));
      assert.equal(await failure(a.send(new GetFunctionCommand({ FunctionName: 'shared' }))), 'ResourceNotFoundException');
      assert.equal(await failure(a.send(new InvokeCommand({ FunctionName: 'shared', Payload: Buffer.from('{}') }))), 'ResourceNotFoundException');
      assert.equal(await failure(b.send(new InvokeCommand({ FunctionName: 'shared', Payload: Buffer.from('{}') }))), 'ResourceNotFoundException');
    });

    test('an update through one node is immediately what a warm node runs, repeatedly', async () => {
      await deploy(b, 'flip', { 'index.js': versionHandler(0) }, { timeout: 10 });
      await invoke(a, 'flip');
      for (let version = 1; version <= 3; version++) {
        const writer = cluster.nodes[version % 3]?.lambda() as LambdaClient;
        await writer.send(new UpdateFunctionCodeCommand({ FunctionName: 'flip', ZipFile: await makeZip({ 'index.js': versionHandler(version) }) }));
        for (const [label, client] of [['A', a], ['B', b], ['C', c]] as const) {
          assert.equal(((await invoke(client, 'flip')).payload as { version: number }).version, version, `${label} after update ${version}`);
        }
      }
    });
  });
}
