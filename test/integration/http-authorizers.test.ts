// HTTP API authorizers against a real `nimbus serve`: JWT (keys from a file, a URL, or
// OIDC discovery, served here on 127.0.0.1) and Lambda request authorizers (simple and
// IAM policy responses, caching by identity source).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const AUDIENCE = 'my-api';
const KID = 'test-key-1';

const ECHO = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ authorizer: event.requestContext.authorizer ?? null }) });`;

const AUTHORIZER = `let calls = 0;
exports.handler = async (event) => {
  calls++;
  const token = event.identitySource[0];
  if (token === 'explode') throw new Error('the authorizer broke');
  return {
    isAuthorized: token.startsWith('good'),
    context: { user: token, calls, type: event.type, routeArn: event.routeArn, identitySource: event.identitySource.join('|'), routeKey: event.routeKey, hasBody: 'body' in event },
  };
};`;

const POLICY_AUTHORIZER = `exports.handler = async (event) => ({
  principalId: 'user-1',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: event.identitySource[0] === 'good' ? 'Allow' : 'Deny', Resource: event.routeArn.replace(/\\/GET\\/.*$/, '/GET/*') }] },
  context: { via: 'policy' },
});`;

interface Keys { privateKey: CryptoKey; jwks: { keys: unknown[] } }

async function makeKeys(kid: string): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] } };
}

describe('HTTP API authorizers', () => {
  let server: RunningServer;
  let dir: string;
  let keys: Keys;
  let idp: http.Server;
  let issuer: string;
  let jwksFetches = 0;

  const sign = (claims: JWTPayload, over: { key?: CryptoKey; kid?: string; exp?: number | string; iss?: string } = {}): Promise<string> =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: over.kid ?? KID }).setIssuer(over.iss ?? issuer).setIssuedAt()
      .setExpirationTime(over.exp ?? '5m').sign(over.key ?? keys.privateKey);
  const get = async (p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const res = await fetch(`${server.url}/http${p}`, { method, headers });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>, headers: res.headers };
  };
  const authorizerOf = (body: Record<string, unknown>): Record<string, Record<string, unknown>> => body.authorizer as Record<string, Record<string, unknown>>;

  before(async () => {
    keys = await makeKeys(KID);
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-authorizers-'));
    // A tiny identity provider: OIDC discovery and the key set.
    idp = http.createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json').end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
      } else if (req.url === '/keys') {
        jwksFetches++;
        res.setHeader('content-type', 'application/json').end(JSON.stringify(keys.jwks));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    await writeFile(path.join(dir, 'jwks.json'), JSON.stringify(keys.jwks));

    server = await startServer();
    const lambda = server.lambda();
    await deploy(lambda, 'echo', { 'index.js': ECHO });
    await deploy(lambda, 'auth', { 'index.js': AUTHORIZER });
    await deploy(lambda, 'policy-auth', { 'index.js': POLICY_AUTHORIZER });
    const jwt = { type: 'jwt', issuer, audience: [AUDIENCE, 'second-api'] };
    const res = await fetch(`${server.url}/nimbus/v1/routes`, {
      method: 'PUT',
      body: JSON.stringify({
        routes: [
          { routeKey: 'GET /file', function: 'echo', authorizer: 'jwt-file' },
          { routeKey: 'GET /remote', function: 'echo', authorizer: 'jwt-remote' },
          { routeKey: 'GET /discovered', function: 'echo', authorizer: 'jwt-discovered' },
          { routeKey: 'GET /admin', function: 'echo', authorizer: 'jwt-file', authorizationScopes: ['admin', 'root'] },
          { routeKey: 'GET /private/{id}', function: 'echo', authorizer: 'token' },
          { routeKey: 'GET /uncached', function: 'echo', authorizer: 'token-uncached' },
          { routeKey: 'GET /policy/{x}', function: 'echo', authorizer: 'policy' },
          { routeKey: 'GET /open', function: 'echo' },
        ],
        authorizers: {
          'jwt-file': { ...jwt, jwksFile: path.join(dir, 'jwks.json') },
          'jwt-remote': { ...jwt, jwksUri: `${issuer}/keys`, identitySource: ['$request.header.x-jwt'] },
          'jwt-discovered': jwt,
          token: { type: 'lambda', function: 'auth', identitySource: ['$request.header.x-token'], resultTtlInSeconds: 300 },
          'token-uncached': { type: 'lambda', function: 'auth', identitySource: ['$request.querystring.token'], resultTtlInSeconds: 0 },
          policy: { type: 'lambda', function: 'policy-auth', identitySource: '$request.header.x-token', enableSimpleResponses: false },
        },
      }),
    });
    assert.equal(res.status, 200, await res.text());
  });
  after(async () => {
    await server.dispose();
    await new Promise((resolve) => idp.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('a route without an authorizer has none in its event', async () => {
    const res = await get('/open');
    assert.equal(res.status, 200);
    assert.equal(res.body.authorizer, null);
  });

  test('JWT: a valid token passes and its claims, stringified, reach the handler', async () => {
    const token = await sign({ aud: AUDIENCE, sub: 'user-42', scope: 'read write', groups: ['a', 'b'], level: 3, admin: false });
    const res = await get('/file', { authorization: `Bearer ${token}` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const { jwt } = authorizerOf(res.body);
    const claims = jwt?.claims as Record<string, string>;
    assert.equal(claims.sub, 'user-42');
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.groups, '[a b]');
    assert.equal(claims.level, '3');
    assert.equal(claims.admin, 'false');
    assert.match(claims.exp ?? '', /^\d+$/);
    assert.deepEqual(jwt?.scopes, ['read', 'write']);
    // Without the Bearer prefix too, as API Gateway accepts.
    assert.equal((await get('/file', { authorization: token })).status, 200);
  });

  test('JWT: tampered, expired, wrong audience, wrong issuer, unknown key or no token → 401 {"message":"Unauthorized"}', async () => {
    const good = await sign({ aud: AUDIENCE });
    const [header, , signature] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ aud: AUDIENCE, iss: issuer, sub: 'admin', exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
    const other = await makeKeys(KID);
    const cases: [string, Record<string, string>, RegExp][] = [
      ['tampered payload', { authorization: `Bearer ${header ?? ''}.${forgedPayload}.${signature ?? ''}` }, /invalid_token/],
      ['signed by another key', { authorization: `Bearer ${await sign({ aud: AUDIENCE }, { key: other.privateKey })}` }, /invalid_token/],
      ['expired', { authorization: `Bearer ${await sign({ aud: AUDIENCE }, { exp: Math.floor(Date.now() / 1000) - 60 })}` }, /expired/],
      ['wrong audience', { authorization: `Bearer ${await sign({ aud: 'someone-else' })}` }, /audience/],
      ['wrong issuer', { authorization: `Bearer ${await sign({ aud: AUDIENCE }, { iss: 'https://evil.example' })}` }, /invalid_token/],
      ['unknown kid', { authorization: `Bearer ${await sign({ aud: AUDIENCE }, { kid: 'nope' })}` }, /invalid_token/],
      ['not a JWT', { authorization: 'Bearer not-a-jwt' }, /invalid_token/],
      ['no token', {}, /^Bearer$/],
    ];
    for (const [what, headers, challenge] of cases) {
      const res = await get('/file', headers);
      assert.equal(res.status, 401, `${what}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body, { message: 'Unauthorized' }, what);
      assert.match(res.headers.get('www-authenticate') ?? '', challenge, what);
    }
  });

  test('JWT: any configured audience passes, and client_id stands in for a missing aud', async () => {
    assert.equal((await get('/file', { authorization: `Bearer ${await sign({ aud: ['x', 'second-api'] })}` })).status, 200);
    assert.equal((await get('/file', { authorization: `Bearer ${await sign({ client_id: AUDIENCE })}` })).status, 200);
    assert.equal((await get('/file', { authorization: `Bearer ${await sign({ client_id: 'other' })}` })).status, 401);
  });

  test('JWT: a route with scopes wants one of them (scope or scp), else 403', async () => {
    const reader = await sign({ aud: AUDIENCE, scope: 'read' });
    const denied = await get('/admin', { authorization: `Bearer ${reader}` });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { message: 'Forbidden' });
    assert.equal((await get('/admin', { authorization: `Bearer ${await sign({ aud: AUDIENCE, scope: 'read admin' })}` })).status, 200);
    assert.equal((await get('/admin', { authorization: `Bearer ${await sign({ aud: AUDIENCE, scp: ['root'] })}` })).status, 200);
  });

  test('JWT: keys from a jwksUri (fetched once, then cached) and from OIDC discovery; the identity source may be another header', async () => {
    const token = await sign({ aud: AUDIENCE, sub: 'remote' });
    const remote = await get('/remote', { 'x-jwt': token });
    assert.equal(remote.status, 200, JSON.stringify(remote.body));
    assert.equal((authorizerOf(remote.body).jwt?.claims as Record<string, string>).sub, 'remote');
    assert.equal((await get('/remote', { authorization: `Bearer ${token}` })).status, 401, 'the Authorization header is not its identity source');
    const fetched = jwksFetches;
    assert.equal((await get('/remote', { 'x-jwt': token })).status, 200);
    assert.equal(jwksFetches, fetched, 'the key set is cached');
    const discovered = await get('/discovered', { authorization: `Bearer ${token}` });
    assert.equal(discovered.status, 200, JSON.stringify(discovered.body));
  });

  test('Lambda authorizer: missing identity → 401, refused → 403, allowed → its context reaches the handler', async () => {
    const missing = await get('/private/1');
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.body, { message: 'Unauthorized' });
    const refused = await get('/private/1', { 'x-token': 'bad-token' });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { message: 'Forbidden' });
    const allowed = await get('/private/1', { 'x-token': 'good-alice' });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    const context = authorizerOf(allowed.body).lambda as Record<string, unknown>;
    assert.equal(context.user, 'good-alice');
    assert.equal(context.type, 'REQUEST');
    assert.equal(context.routeArn, 'arn:aws:execute-api:us-east-1:000000000000:nimbus/$default/GET/private/1');
    assert.equal(context.identitySource, 'good-alice');
    assert.equal(context.routeKey, 'GET /private/{id}');
    assert.equal(context.hasBody, false, 'the authorizer event carries no body');
  });

  test('Lambda authorizer: answers are cached by identity for resultTtlInSeconds; 0 calls it every time', async () => {
    const first = authorizerOf((await get('/private/1', { 'x-token': 'good-bob' })).body).lambda?.calls;
    const second = authorizerOf((await get('/private/2', { 'x-token': 'good-bob' })).body).lambda?.calls;
    assert.equal(typeof first, 'number');
    assert.equal(second, first, 'the second request with the same identity did not invoke the authorizer');
    const third = authorizerOf((await get('/private/1', { 'x-token': 'good-carol' })).body).lambda?.calls as number;
    assert.ok(third > (first as number), 'another identity invokes it again');

    const a = authorizerOf((await get('/uncached?token=good-dan')).body).lambda?.calls as number;
    const b = authorizerOf((await get('/uncached?token=good-dan')).body).lambda?.calls as number;
    assert.ok(b > a, `no cache with resultTtlInSeconds 0 (${a}, ${b})`);
  });

  test('Lambda authorizer: a failing authorizer is 500 and is not cached', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get('/private/1', { 'x-token': 'explode' });
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { message: 'Internal Server Error' });
    }
    const failures = (): number => server.output().split('authorizer token (function auth) failed').length - 1;
    for (let i = 0; i < 50 && failures() < 2; i++) await new Promise((r) => setTimeout(r, 40));
    assert.equal(failures(), 2, 'each request invoked the authorizer again');
  });

  test('Lambda authorizer with IAM policy responses: Allow on the route ARN passes, Deny is 403', async () => {
    const allowed = await get('/policy/x', { 'x-token': 'good' });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    assert.deepEqual(authorizerOf(allowed.body).lambda, { via: 'policy' });
    assert.equal((await get('/policy/x', { 'x-token': 'bad' })).status, 403);
  });
});
