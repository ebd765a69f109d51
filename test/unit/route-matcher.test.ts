// Route keys and route selection, API Gateway HTTP API rules, without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NimbusError } from '../../src/errors.js';
import { parseRouteTable } from '../../src/triggers/http/routes/route-document.js';
import { parseRouteKey } from '../../src/triggers/http/routes/route-key.js';
import { RouteMatcher } from '../../src/triggers/http/routes/route-matcher.js';

function matcher(keys: readonly string[]): RouteMatcher<string> {
  return new RouteMatcher(keys.map((routeKey) => ({ routeKey, route: routeKey })));
}

test('route keys parse, and malformed ones say what is wrong', () => {
  assert.deepEqual(parseRouteKey('$default'), { kind: 'default' });
  assert.deepEqual(parseRouteKey('GET /'), { kind: 'route', method: 'GET', segments: [] });
  assert.deepEqual(parseRouteKey('ANY /a/{b}/{c+}'), {
    kind: 'route', method: 'ANY', segments: [{ kind: 'literal', value: 'a' }, { kind: 'variable', name: 'b' }, { kind: 'greedy', name: 'c' }],
  });
  const bad: [string, RegExp][] = [
    ['GET', /expected 'METHOD \/path'/],
    ['GET  /a', /expected 'METHOD \/path'/],
    ['FETCH /a', /method must be one of/],
    ['GET a', /must start with '\/'/],
    ['GET /a/', /must not end with '\/'/],
    ['GET /a//b', /empty segment/],
    ['GET /{a}/{a}', /\{a\} appears twice/],
    ['GET /{a+}/b', /must be the last segment/],
    ['GET /a{b}', /whole segment/],
    ['GET /a b', /expected 'METHOD \/path'/],
    ['GET /a%20b', /cannot hold unencoded/],
  ];
  for (const [key, why] of bad) {
    assert.throws(() => parseRouteKey(key), (err: unknown) => err instanceof NimbusError && err.code === 'InvalidParameterValueException' && why.test(err.message), key);
  }
});

test('precedence: literal > variable > greedy, leftmost segment first; method over ANY; $default last', () => {
  const m = matcher(['GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}', 'ANY /pets/cat', 'GET /pets/cat', 'GET /{a}/me', 'GET /users/{id}', '$default']);
  const pick = (method: string, p: string): string | undefined => m.match(method, p)?.routeKey;
  assert.equal(pick('GET', '/pets/dog/1'), 'GET /pets/dog/1');
  assert.equal(pick('GET', '/pets/dog/2'), 'GET /pets/dog/{id}');
  assert.equal(pick('GET', '/pets/cat/1'), 'GET /pets/{proxy+}');
  assert.equal(pick('POST', '/pets/cat/1'), 'ANY /{proxy+}');
  assert.equal(pick('GET', '/pets/cat'), 'GET /pets/cat');
  assert.equal(pick('PUT', '/pets/cat'), 'ANY /pets/cat');
  assert.equal(pick('GET', '/users/me'), 'GET /users/{id}', 'the leftmost literal decides');
  assert.equal(pick('GET', '/'), '$default', 'a greedy variable needs a segment');
  assert.equal(pick('GET', '/pets/dog/1/'), 'GET /pets/dog/1', 'one trailing slash is ignored');
  assert.equal(matcher(['GET /a']).match('GET', '/b'), undefined);
  assert.equal(matcher(['GET /a']).match('HEAD', '/a'), undefined, 'GET does not take HEAD');
  assert.equal(matcher(['GET /']).match('GET', '/')?.routeKey, 'GET /');
});

test('path parameters are percent-decoded; greedy ones keep their slashes', () => {
  const m = matcher(['GET /files/{path+}', 'GET /users/{id}/posts/{post}']);
  assert.deepEqual(m.match('GET', '/files/a/b%20c/d.txt')?.pathParameters, { path: 'a/b c/d.txt' });
  assert.deepEqual(m.match('GET', '/users/caf%C3%A9/posts/%2F')?.pathParameters, { id: 'café', post: '/' });
  assert.deepEqual(m.match('GET', '/users/%E0%A4%A/posts/1')?.pathParameters, { id: '%E0%A4%A', post: '1' }, 'a malformed escape stays as sent');
  assert.equal(matcher(['GET /static']).match('GET', '/static')?.pathParameters, undefined);
});

test('a table document gets its defaults and its cross-references checked', () => {
  const table = parseRouteTable({
    routes: [{ routeKey: 'GET /a', function: 'fn', authorizer: 'auth' }],
    authorizers: { auth: { type: 'lambda', function: 'authfn', identitySource: '$request.header.x-token' }, jwt: { type: 'jwt', issuer: 'https://i', audience: ['a'] } },
  });
  assert.deepEqual(table.authorizers.auth, {
    type: 'lambda', function: 'authfn', qualifier: undefined, identitySource: ['$request.header.x-token'], resultTtlInSeconds: 300, enableSimpleResponses: true,
  });
  assert.equal(table.authorizers.jwt?.type === 'jwt' ? table.authorizers.jwt.identitySource : '', '$request.header.Authorization');
  assert.deepEqual(parseRouteTable({}), { routes: [], authorizers: {} });
  assert.throws(() => parseRouteTable({ routes: [{ routeKey: 'GET /a', function: 'f', authorizationScopes: ['x'] }] }), /scopes need a JWT authorizer/);
  assert.throws(() => parseRouteTable({ authorizers: { j: { type: 'jwt', issuer: 'i', audience: ['a'], jwksUri: 'ftp://x' } } }), /authorizers\.j\.jwksUri: must be an http\(s\) URL/);
  assert.throws(() => parseRouteTable({ authorizers: { j: { type: 'jwt', issuer: 'i', audience: ['a'], jwksFile: 'keys.json' } } }), /jwksFile: must be an absolute path/);
  assert.throws(() => parseRouteTable({ authorizers: { l: { type: 'lambda', function: 'f', resultTtlInSeconds: 3601 } } }), /resultTtlInSeconds/);
  assert.throws(() => parseRouteTable([]), /document/);
});
