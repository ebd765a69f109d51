// `nimbus nodes` and GET /nimbus/v1/cluster: membership as an operator sees it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nimbus } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { eventually, startCluster, type Cluster } from '../helpers/cluster.js';
import { requirePostgres } from '../helpers/postgres.js';
import { startServer } from '../helpers/server.js';

interface Answer { mode: string; nodeId: string; nodes: { nodeId: string; alive: boolean; url: string }[] }

test('a single node lists itself', async () => {
  const server = await startServer({ args: ['--pool-size', '0'] });
  try {
    const out = await nimbus(['nodes', '--json'], { NIMBUS_ENDPOINT: server.url });
    assert.equal(out.code, 0, out.stderr);
    const answer = JSON.parse(out.stdout) as Answer;
    assert.equal(answer.mode, 'single');
    assert.deepEqual(answer.nodes.map((n) => [n.nodeId, n.alive, n.url]), [[answer.nodeId, true, server.url]]);
  } finally {
    await server.dispose();
  }
});

const skip = await requirePostgres();
describe('cluster membership', { skip }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(2);
  });
  after(async () => {
    await cluster.dispose();
  });

  test('a route added through one node serves through the other at once; removed, it is gone there too', async () => {
    const [a, b] = cluster.nodes as [NonNullable<Cluster['nodes'][0]>, NonNullable<Cluster['nodes'][0]>];
    await deploy(a.lambda(), 'greeter', { 'index.js': 'exports.handler = async (e) => ({ statusCode: 200, body: `hi ${e.pathParameters.name}` });' });
    const before = await fetch(`${b.url}/http/hello/ann`);
    assert.equal(before.status, 404); // B compiles (and caches) the empty table first
    const added = await nimbus(['routes', 'add', 'GET /hello/{name}', 'greeter'], { NIMBUS_ENDPOINT: a.url });
    assert.equal(added.code, 0, added.stderr);
    await eventually('the route served by node-1', async () => {
      const res = await fetch(`${b.url}/http/hello/ann`);
      return res.status === 200 ? await res.text() : undefined;
    }, 5000).then((body) => assert.equal(body, 'hi ann'));
    const removed = await nimbus(['routes', 'remove', 'GET /hello/{name}'], { NIMBUS_ENDPOINT: a.url });
    assert.equal(removed.code, 0, removed.stderr);
    await eventually('the route gone from node-1', async () => ((await fetch(`${b.url}/http/hello/ann`)).status === 404 ? true : undefined), 5000);
  });

  test('every node lists both; a node that stops shows as gone', async () => {
    const [a, b] = cluster.nodes as [NonNullable<Cluster['nodes'][0]>, NonNullable<Cluster['nodes'][0]>];
    const listed = async (url: string): Promise<Answer> => {
      const out = await nimbus(['nodes', '--json'], { NIMBUS_ENDPOINT: url });
      assert.equal(out.code, 0, out.stderr);
      return JSON.parse(out.stdout) as Answer;
    };
    for (const node of [a, b]) {
      const answer = await listed(node.url);
      assert.equal(answer.mode, 'cluster');
      assert.deepEqual(answer.nodes.map((n) => [n.nodeId, n.alive, n.url]).sort(), [['node-0', true, a.url], ['node-1', true, b.url]]);
    }
    const table = await nimbus(['nodes'], { NIMBUS_ENDPOINT: a.url });
    assert.match(table.stdout, /^node-1\s+alive\s+http:\/\/127\.0\.0\.1:\d+/m);
    assert.equal(await b.stop('SIGTERM'), 0);
    await eventually('node-1 listed as gone', async () => {
      const answer = await listed(a.url);
      return answer.nodes.find((n) => n.nodeId === 'node-1')?.alive === false ? true : undefined;
    }, 10_000);
  });
});
