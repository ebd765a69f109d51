// Functions' derived credentials: the id carries the account, only the platform secret
// makes a valid one, and the secret and token follow from the id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionAccountOf, functionCredentials, looksLikeFunctionKey } from '../../src/auth/function-credentials.js';

const SECRET = 'a'.repeat(64);

test('a function key names its account, and only under the platform secret that made it', () => {
  for (const account of ['000000000000', '111111111111', '999999999999', '123456789012']) {
    const creds = functionCredentials(SECRET, account);
    assert.match(creds.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(creds.secretAccessKey.length, 40);
    assert.ok(looksLikeFunctionKey(creds.accessKeyId));
    assert.equal(functionAccountOf(SECRET, creds.accessKeyId), account);
    assert.equal(functionAccountOf('b'.repeat(64), creds.accessKeyId), undefined);
    assert.deepEqual(functionCredentials(SECRET, account), creds, 'derived again, the same');
  }
  const a = functionCredentials(SECRET, '111111111111');
  const b = functionCredentials(SECRET, '222222222222');
  assert.notEqual(a.secretAccessKey, b.secretAccessKey);
  assert.notEqual(a.sessionToken, b.sessionToken);
  // Forging: another account's digits with this key's MAC is not a valid id.
  const forged = `${b.accessKeyId.slice(0, 12)}${a.accessKeyId.slice(12)}`;
  assert.equal(functionAccountOf(SECRET, forged), undefined);
  assert.equal(functionAccountOf(SECRET, 'AKIAAAAAAAAAAAAAAAAA'), undefined);
  assert.throws(() => functionCredentials(SECRET, 'abc'));
});
