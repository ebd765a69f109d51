// The HTTP API's routes against a real `nimbus serve`: API Gateway's precedence, path
// parameters, ANY / greedy / $default, its 404 and 500 answers, the admin API's
// validation and the `nimbus routes` CLI.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nimbus } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

interface Echo {
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  requestContext: { routeKey: string; stage: string; apiId: string; domainName: string; accountId: string; http: { method: string; path: string } };
}

const ECHO = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'x-fn': 'echo' }, body: JSON.stringify(event) });`;

interface Answer { status: number; headers: http.IncomingHttpHeaders; text: string }

/** A request with any Host header (fetch would not send ours). */
function request(base: string, method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's output arrives through a pipe, a little after the response. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((r) => setTimeout(r, 40));
  assert.ok(check(), what);
}

describe('HTTP API routes', () => {
  let server: RunningServer;
  let dir: string;

  const admin = async (method: string, suffix: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${server.url}/nimbus/v1/routes${suffix}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const call = async (method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string): Promise<Answer & { echo: Echo }> => {
    const answer = await request(server.url, method, `/http${pathAndQuery}`, headers, body);
    return { ...answer, echo: (answer.status === 200 && answer.headers['x-fn'] === 'echo' ? JSON.parse(answer.text) : undefined) as Echo };
  };

  before(async () => {
    server = await startServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-routes-'));
    const lambda = server.lambda();
    await deploy(lambda, 'echo', { 'index.js': ECHO });
    await deploy(lambda, 'boom', { 'index.js': 'exports.handler = async () => { throw new Error("boom"); };' });
    await deploy(lambda, 'bad-shape', { 'index.js': 'exports.handler = async () => ({ statusCode: "teapot" });' });
  });
  after(async () => {
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('an unknown route is 404 {"message":"Not Found"}', async () => {
    const res = await call('GET', '/nothing/here');
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.text), { message: 'Not Found' });
    assert.ok(res.headers['apigw-requestid']);
  });

  test('the most specific route wins: exact, then variables, then greedy, then $default; a method beats ANY', async () => {
    const put = await admin('PUT', '', {
      routes: [
        { routeKey: 'GET /pets/dog/1', function: 'echo' },
        { routeKey: 'GET /pets/dog/{id}', function: 'echo' },
        { routeKey: 'GET /pets/{proxy+}', function: 'echo' },
        { routeKey: 'ANY /{proxy+}', function: 'echo' },
        { routeKey: 'ANY /pets/cat', function: 'echo' },
        { routeKey: 'GET /pets/cat', function: 'echo' },
        { routeKey: 'GET /owners/{owner}/pets/{pet}', function: 'echo' },
        { routeKey: '$default', function: 'echo' },
      ],
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const cases: [string, string, string, Record<string, string> | undefined][] = [
      ['GET', '/pets/dog/1', 'GET /pets/dog/1', undefined],
      ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
      ['GET', '/pets/cat/1', 'GET /pets/{proxy+}', { proxy: 'cat/1' }],
      ['GET', '/pets/a/b/c', 'GET /pets/{proxy+}', { proxy: 'a/b/c' }],
      ['POST', '/pets/dog/1', 'ANY /{proxy+}', { proxy: 'pets/dog/1' }],
      ['GET', '/pets/cat', 'GET /pets/cat', undefined],
      ['DELETE', '/pets/cat', 'ANY /pets/cat', undefined],
      ['PATCH', '/owners/ann/pets/rex', 'ANY /{proxy+}', { proxy: 'owners/ann/pets/rex' }],
      ['GET', '/owners/ann/pets/rex', 'GET /owners/{owner}/pets/{pet}', { owner: 'ann', pet: 'rex' }],
      ['GET', '/', '$default', undefined],
    ];
    for (const [method, p, routeKey, params] of cases) {
      const res = await call(method, p);
      assert.equal(res.status, 200, `${method} ${p}: ${res.status} ${res.text}`);
      assert.equal(res.echo.routeKey, routeKey, `${method} ${p}`);
      assert.equal(res.echo.requestContext.routeKey, routeKey);
      assert.deepEqual(res.echo.pathParameters, params, `${method} ${p}`);
      assert.equal(res.echo.requestContext.http.method, method);
    }
  });

  test('the event carries the request: decoded path parameters, raw path, query, headers, body; stage and api id', async () => {
    const res = await call('POST', '/pets/dog/a%2Fb%20c?x=1&x=2&y=%C3%A9', { 'content-type': 'application/json', 'x-custom': 'v' }, '{"a":1}');
    assert.equal(res.status, 200, res.text);
    const { echo } = res;
    assert.equal(echo.routeKey, 'ANY /{proxy+}');
    assert.equal(echo.pathParameters?.proxy, 'pets/dog/a/b c');
    assert.equal(echo.rawPath, '/pets/dog/a%2Fb%20c', 'rawPath is relative to the API and stays encoded');
    assert.equal(echo.rawQueryString, 'x=1&x=2&y=%C3%A9');
    assert.deepEqual(echo.queryStringParameters, { x: '1,2', y: 'é' });
    assert.equal(echo.headers['x-custom'], 'v');
    assert.equal(echo.body, '{"a":1}');
    assert.equal(echo.requestContext.stage, '$default');
    assert.equal(echo.requestContext.apiId, 'nimbus');
    assert.equal(echo.requestContext.accountId, '000000000000');

    const variable = await call('GET', '/pets/dog/caf%C3%A9');
    assert.deepEqual(variable.echo.pathParameters, { id: 'café' });
  });

  test('the host form <api-id>.execute-api.<region>.localhost serves the same table, and a 12-digit api id picks the account', async () => {
    const host = 'nimbus.execute-api.us-east-1.localhost';
    const res = await request(server.url, 'GET', '/pets/dog/7', { host });
    assert.equal(res.status, 200, res.text);
    const echo = JSON.parse(res.text) as Echo;
    assert.equal(echo.routeKey, 'GET /pets/dog/{id}');
    assert.equal(echo.rawPath, '/pets/dog/7');
    assert.equal(echo.requestContext.domainName, host);
    // Another account has its own (empty) table.
    const other = await request(server.url, 'GET', '/pets/dog/7', { host: '111111111111.execute-api.us-east-1.localhost' });
    assert.equal(other.status, 404);
    const otherRegion = await request(server.url, 'GET', '/pets/dog/7', { host: 'nimbus.execute-api.eu-west-1.localhost' });
    assert.equal(otherRegion.status, 404);
  });

  test('a function error is 500 {"message":"Internal Server Error"}, as is a malformed result or a missing function', async () => {
    await admin('PUT', '', {
      routes: [
        { routeKey: 'GET /boom', function: 'boom' },
        { routeKey: 'GET /bad', function: 'bad-shape' },
        { routeKey: 'GET /missing', function: 'not-deployed' },
        { routeKey: 'GET /ok', function: 'echo' },
      ],
    });
    for (const p of ['/boom', '/bad', '/missing']) {
      const res = await call('GET', p);
      assert.equal(res.status, 500, `${p}: ${res.text}`);
      assert.deepEqual(JSON.parse(res.text), { message: 'Internal Server Error' });
    }
    await waitFor(() => /function not-deployed could not be invoked: Function not found/.test(server.output()), 'the platform log says why');
    assert.equal((await call('GET', '/ok')).status, 200, 'the next request works');
    assert.equal((await call('GET', '/')).status, 404, 'the replaced table has no $default');
  });

  test('the admin API validates documents and edits one route at a time', async () => {
    const bad = async (body: unknown, status: number, pattern: RegExp, method = 'PUT'): Promise<void> => {
      const res = await admin(method, '', body);
      assert.equal(res.status, status, JSON.stringify(res.json));
      assert.match(String(res.json.message ?? res.json.Message), pattern);
    };
    await bad({ routes: [{ routeKey: 'GET users', function: 'echo' }] }, 400, /routes\[0\]\.routeKey 'GET users': the path must start with '\/'/);
    await bad({ routes: [{ routeKey: 'get /x', function: 'echo' }] }, 400, /method must be one of/);
    await bad({ routes: [{ routeKey: 'GET /a/{p+}/b', function: 'echo' }] }, 400, /greedy variable \{p\+\} must be the last segment/);
    await bad({ routes: [{ routeKey: 'GET /a/x{id}', function: 'echo' }] }, 400, /a path variable must be a whole segment/);
    await bad({ routes: [{ routeKey: 'GET /x', function: 'no such name!' }] }, 400, /routes\[0\]\.function: must be a function name/);
    await bad({ routes: [{ routeKey: 'GET /x', function: 'echo', authorizer: 'nope' }] }, 400, /routes\[0\]\.authorizer: no authorizer named 'nope'/);
    await bad({ routes: [{ routeKey: 'GET /x', function: 'echo', extra: 1 }] }, 400, /routes\[0\]: Unrecognized key/);
    await bad({ routes: [{ routeKey: 'GET /u/{id}', function: 'echo' }, { routeKey: 'GET /u/{name}', function: 'echo' }] }, 409, /matches the same requests as 'GET \/u\/\{id\}'/);
    await bad({ authorizers: { a: { type: 'oauth' } } }, 400, /authorizers\.a\.type: must be 'jwt' or 'lambda'/);
    await bad({ authorizers: { a: { type: 'jwt', issuer: 'https://i', audience: [] } } }, 400, /authorizers\.a\.audience: must list at least one audience/);
    await bad({ authorizers: { a: { type: 'lambda', function: 'auth', identitySource: [], resultTtlInSeconds: 60 } } }, 400, /caching .* needs an identitySource/);
    await bad({ authorizers: { a: { type: 'lambda', function: 'auth', identitySource: ['$request.body.x'] } } }, 400, /identitySource.*must be '\$request\.header\.NAME'/);

    const before = await admin('GET', '');
    const added = await admin('POST', '', { routeKey: 'GET /added/{id}', function: 'echo' });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    assert.equal((added.json.routes as unknown[]).length, (before.json.routes as unknown[]).length + 1);
    assert.notEqual(added.json.revision, before.json.revision);
    assert.equal((await call('GET', '/added/9')).echo.pathParameters?.id, '9');
    await bad({ routeKey: 'GET /added/{id}', function: 'echo' }, 409, /exists already/, 'POST');
    await bad({ routeKey: 'GET /added/{other}', function: 'echo' }, 409, /matches the same requests/, 'POST');

    const removed = await admin('DELETE', `/${encodeURIComponent('GET /added/{id}')}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    assert.equal((await call('GET', '/added/9')).status, 404);
    const again = await admin('DELETE', `/${encodeURIComponent('GET /added/{id}')}`);
    assert.equal(again.status, 404);
    assert.match(String(again.json.Message), /No route 'GET \/added\/\{id\}'/);

    const warned = await admin('POST', '', { routeKey: 'GET /later', function: 'deployed-later' });
    assert.deepEqual(warned.json.warnings, ["function 'deployed-later' does not exist (yet); its routes answer 500 until it does", "function 'not-deployed' does not exist (yet); its routes answer 500 until it does"]);
  });

  test('nimbus routes add, list, remove and apply', async () => {
    const env = { NIMBUS_ENDPOINT: server.url };
    const file = path.join(dir, 'routes.json');
    await writeFile(file, JSON.stringify({ routes: [{ routeKey: 'GET /cli', function: 'echo' }] }));
    const applied = await nimbus(['routes', 'apply', file], env);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /applied 1 route\(s\) and 0 authorizer\(s\)/);

    const added = await nimbus(['routes', 'add', 'GET /cli/{id}', 'echo'], env);
    assert.equal(added.code, 0, added.stderr);
    assert.equal((await call('GET', '/cli/5')).echo.pathParameters?.id, '5');

    const listed = await nimbus(['routes'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ROUTE\s+FUNCTION\s+AUTHORIZER/);
    assert.match(listed.stdout, /GET \/cli\/\{id\}\s+echo\s+-/);
    const json = JSON.parse((await nimbus(['routes', 'list', '--json'], env)).stdout) as { routes: { routeKey: string }[] };
    assert.deepEqual(json.routes.map((r) => r.routeKey), ['GET /cli', 'GET /cli/{id}']);

    const removed = await nimbus(['routes', 'remove', 'GET /cli/{id}'], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal((await call('GET', '/cli/5')).status, 404);

    const badKey = await nimbus(['routes', 'add', 'GET cli', 'echo'], env);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /InvalidParameterValueException: routeKey 'GET cli': the path must start with '\/'/);
    const missing = await nimbus(['routes', 'remove', 'GET /nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ResourceNotFoundException: No route 'GET \/nope'/);
    const noAuth = await nimbus(['routes', 'add', 'GET /x', 'echo', '--authorizer', 'ghost'], env);
    assert.equal(noAuth.code, 1);
    assert.match(noAuth.stderr, /no authorizer named 'ghost'/);
    const usage = await nimbus(['routes', 'add', 'GET /x'], env);
    assert.equal(usage.code, 2);
    const notJson = path.join(dir, 'broken.json');
    await writeFile(notJson, '{ routes: ');
    const broken = await nimbus(['routes', 'apply', notJson], env);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.json is not valid JSON/);
  });
});
