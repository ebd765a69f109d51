// examples/http-api runs as its README shows: two functions deployed with the CLI, the
// route table applied from routes.json, an item created with the token and listed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { nimbus } from '../helpers/cli.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'http-api');

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => server.dispose());

test('the http-api example: routes.json applied, POST /items behind the token, items listed', async () => {
  const env = { NIMBUS_ENDPOINT: server.url };
  const items = await nimbus(['deploy', path.join(EXAMPLE, 'items'), '--name', 'items', '--handler', 'index.handler'], env);
  assert.equal(items.code, 0, items.stderr);
  const auth = await nimbus(['deploy', path.join(EXAMPLE, 'authorizer'), '--name', 'items-auth', '--handler', 'index.handler', '--env', 'TOKENS=alice:s3cret,bob:hunter2'], env);
  assert.equal(auth.code, 0, auth.stderr);
  const applied = await nimbus(['routes', 'apply', path.join(EXAMPLE, 'routes.json')], env);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /applied 3 route\(s\) and 1 authorizer\(s\)/);
  assert.equal(applied.stderr, '', 'both functions exist: no warnings');

  const api = `${server.url}/http`;
  const post = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${api}/items`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'coffee beans' }) });
  assert.equal((await post({})).status, 401, 'no token');
  assert.equal((await post({ 'x-api-token': 'wrong' })).status, 403, 'unknown token');

  const created = await post({ 'x-api-token': 's3cret' });
  assert.equal(created.status, 201);
  const item = (await created.json()) as { id: string; name: string; createdBy: string };
  assert.equal(item.name, 'coffee beans');
  assert.equal(item.createdBy, 'alice', "the authorizer's context reached the function");

  const list = (await (await fetch(`${api}/items`)).json()) as { items: { id: string }[] };
  assert.deepEqual(list.items.map((i) => i.id), [item.id]);
  const one = await fetch(`${api}/items/${item.id}`);
  assert.equal(one.status, 200);
  assert.equal(((await one.json()) as { name: string }).name, 'coffee beans');
  assert.equal((await fetch(`${api}/items/999`)).status, 404);
  assert.equal((await fetch(`${api}/nothing`)).status, 404);
});
