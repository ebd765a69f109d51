// Calls the deployed function through the platform, as API Gateway would.
// Run `npx nimbus dev` in another terminal first (or set NIMBUS_ENDPOINT).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeFunction } from './invoke.mjs';

test('GET /hello/{name} greets by name', async () => {
  const response = await invokeFunction({ version: '2.0', routeKey: 'GET /hello/{name}', rawPath: '/hello/ada', pathParameters: { name: 'ada' }, headers: {}, requestContext: { http: { method: 'GET', path: '/hello/ada' } }, isBase64Encoded: false });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(JSON.parse(response.body), { message: 'Hello, ada!', path: '/hello/ada' });
});
