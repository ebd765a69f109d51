// The SigV4 check of AWS_IAM function URLs, against requests signed by the SDK's signer.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseCredentialList, SigV4Verifier } from '../../src/auth/sigv4.js';
import { loadConfig } from '../../src/config/load.js';
import { NimbusError } from '../../src/errors.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const KEYS = parseCredentialList('AKID1:secret/one, AKID2:s3cr:et');

async function signedRequest(options: { service?: string; secret?: string; date?: number; body?: string; path?: string } = {}): Promise<{ req: IncomingMessage; body: Buffer }> {
  const body = options.body ?? '{"a":1}';
  const signer = new SignatureV4({
    service: options.service ?? 'lambda', region: 'eu-west-1', sha256: Hash.bind(null, 'sha256'),
    credentials: { accessKeyId: 'AKID1', secretAccessKey: options.secret ?? 'secret/one' },
  });
  const signed = await signer.sign({
    method: 'PUT', protocol: 'http:', hostname: 'x.localhost', path: options.path ?? '/a%20b/c', query: { q: ['2', '1'], 'we ird': 'v/w' },
    headers: { host: 'x.localhost:9000', 'x-multi': 'one' }, body,
  }, { signingDate: new Date(options.date ?? NOW) });
  const rawHeaders = Object.entries(signed.headers).flat();
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const req = { method: 'PUT', url: `${options.path ?? '/a%20b/c'}?q=2&q=1&we%20ird=v%2Fw`, headers, rawHeaders } as unknown as IncomingMessage;
  return { req, body: Buffer.from(body) };
}

test('iamCredentials: AKID:SECRET pairs (secrets may hold colons); a malformed value names the key', () => {
  assert.deepEqual([...KEYS], [['AKID1', 'secret/one'], ['AKID2', 's3cr:et']]);
  assert.equal(loadConfig({ flags: { iamCredentials: 'A:b,C:d' } }).iamCredentials, 'A:b,C:d');
  assert.throws(() => loadConfig({ flags: { iamCredentials: 'no-secret' } }),
    (err: unknown) => err instanceof NimbusError && /--iam-credentials: must be AKID:SECRET pairs/.test(err.message) && !err.message.includes('no-secret'));
});

test('a request signed with a configured key passes, in any region, with repeated query values and encoded paths', async () => {
  const verifier = new SigV4Verifier(KEYS, () => NOW);
  const { req, body } = await signedRequest();
  assert.deepEqual(await verifier.verify(req, body, 'lambda'), { ok: true, accessKeyId: 'AKID1', region: 'eu-west-1' });
});

test('wrong secret, wrong service, clock skew, a changed body or path are refused with a reason', async () => {
  const verifier = new SigV4Verifier(KEYS, () => NOW);
  const reason = async (p: Promise<{ req: IncomingMessage; body: Buffer }>, mutate?: (r: { req: IncomingMessage; body: Buffer }) => { req: IncomingMessage; body: Buffer }): Promise<string> => {
    const r = await p;
    const verdict = await verifier.verify((mutate?.(r) ?? r).req, (mutate?.(r) ?? r).body, 'lambda');
    assert.equal(verdict.ok, false);
    return verdict.ok ? '' : verdict.reason;
  };
  assert.match(await reason(signedRequest({ secret: 'other' })), /does not match/);
  assert.match(await reason(signedRequest({ service: 's3' })), /service 's3'/);
  assert.match(await reason(signedRequest({ date: NOW - 16 * 60 * 1000 })), /15 minutes/);
  assert.match(await reason(signedRequest(), (r) => ({ ...r, body: Buffer.from('{"a":2}') })), /SHA-256 of the body/);
  assert.match(await reason(signedRequest(), (r) => ({ ...r, req: { ...r.req, url: '/a%20b/d' } as IncomingMessage })), /does not match/);
  const unknownKey = new SigV4Verifier(parseCredentialList('OTHER:x'), () => NOW);
  const { req, body } = await signedRequest();
  assert.deepEqual(await unknownKey.verify(req, body, 'lambda'), { ok: false, reason: 'the access key id is not one of the configured iamCredentials' });
});
