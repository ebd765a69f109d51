// Enforced mode, as a user meets it: once an access key exists, every API wants a valid
// SigV4 signature by an Active key and acts in that key's account. The real SDK clients
// with a good key work; a wrong secret, an unknown key, no signature or a clock 20 minutes
// off get each API's own error code; keys of account A see nothing of account B; and a
// function still calls the platform (with its derived credentials) in its own account.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateFunctionUrlConfigCommand, GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/auth/sigv4.js';
import { KeyService } from '../../src/auth/key-service.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { deploy, invoke } from '../helpers/functions.js';
import { AttackTally } from '../helpers/hostile.js';
import { portOf } from '../helpers/s3.js';
import { makeDataDir, startServer, type RunningServer } from '../helpers/server.js';
import { createQueue } from '../helpers/sqs.js';

const ACCOUNT_A = '111111111111';
const ACCOUNT_B = '222222222222';

interface Key {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface ClientOptions {
  readonly offsetMs?: number;
}

const CALLER = `const { LambdaClient, InvokeCommand, ListFunctionsCommand } = require('@aws-sdk/client-lambda');
exports.handler = async () => {
  const lambda = new LambdaClient({});
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'callee', Payload: Buffer.from('{}') }));
  const listed = await lambda.send(new ListFunctionsCommand({}));
  return { callee: JSON.parse(Buffer.from(out.Payload).toString('utf8')), names: listed.Functions.map((f) => f.FunctionName).sort(), key: process.env.AWS_ACCESS_KEY_ID.slice(0, 4) };
};`;

/** An SDK error's code, or 'ok' when the call succeeded. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return (err as { name?: string }).name ?? String(err);
  }
}

/** A raw request to the server (Host header as given). */
function raw(server: RunningServer, options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: portOf(server), method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Signs a raw request with @smithy/signature-v4 (the SDK's signer), headers as given. */
async function signed(server: RunningServer, key: Key, service: string, request: { method: string; path: string; headers: Record<string, string>; body: Buffer; host?: string }): Promise<Record<string, string>> {
  const host = request.host ?? `127.0.0.1:${portOf(server)}`;
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: key, sha256: NodeSha256, uriEscapePath: service !== 's3', applyChecksum: false });
  const out = await signer.sign({ method: request.method, protocol: 'http:', hostname: host.split(':')[0] ?? '', port: portOf(server), path: request.path, headers: { ...request.headers, host }, body: request.body });
  return out.headers;
}

describe('enforced mode (access keys exist)', () => {
  const tally = new AttackTally();
  let dataDir: string;
  let server: RunningServer;
  let keyA: Key;
  let keyB: Key;
  const made: { destroy(): void }[] = [];

  const credentials = (key: Key): Key => ({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
  const lambda = (key: Key, o: ClientOptions = {}): LambdaClient => {
    const c = new LambdaClient({ endpoint: server.url, region: 'us-east-1', credentials: credentials(key), maxAttempts: 1, systemClockOffset: o.offsetMs ?? 0 });
    made.push(c);
    return c;
  };
  const s3 = (key: Key, o: ClientOptions = {}): S3Client => {
    const c = new S3Client({ endpoint: server.url, forcePathStyle: true, region: 'us-east-1', credentials: credentials(key), maxAttempts: 1, systemClockOffset: o.offsetMs ?? 0 });
    made.push(c);
    return c;
  };
  const sqs = (key: Key, o: ClientOptions = {}): SQSClient => {
    const c = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: credentials(key), maxAttempts: 1, systemClockOffset: o.offsetMs ?? 0 });
    made.push(c);
    return c;
  };
  const logs = (key: Key, o: ClientOptions = {}): CloudWatchLogsClient => {
    const c = new CloudWatchLogsClient({ endpoint: server.url, region: 'us-east-1', credentials: credentials(key), maxAttempts: 1, systemClockOffset: o.offsetMs ?? 0 });
    made.push(c);
    return c;
  };
  /** Every API with one key, expecting one code each (lambda, s3, sqs, logs). */
  const expectCodes = async (key: Key, expected: [string, string, string, string], o: ClientOptions = {}): Promise<void> => {
    const calls: (() => Promise<unknown>)[] = [
      () => lambda(key, o).send(new ListFunctionsCommand({})),
      () => s3(key, o).send(new ListBucketsCommand({})),
      () => sqs(key, o).send(new ListQueuesCommand({})),
      () => logs(key, o).send(new DescribeLogGroupsCommand({})),
    ];
    for (const [i, call] of calls.entries()) {
      const check = async (): Promise<void> => assert.equal(await codeOf(call()), expected[i], `API ${i}`);
      if (expected[i] === 'ok') await check();
      else await tally.attack(check);
    }
  };

  before(async () => {
    dataDir = await makeDataDir();
    // Bootstrap as a new install does: while open, anyone on loopback creates the first key.
    server = await startServer({ dataDir });
    const res = await fetch(`${server.url}/nimbus/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: ACCOUNT_A, description: 'test A' }) });
    assert.equal(res.status, 201, await res.clone().text());
    const created = (await res.json()) as Key & { account: string };
    assert.equal(created.account, ACCOUNT_A);
    keyA = created;
    await server.dispose();
    // Account B's key straight in the store (a caller of A may not make keys of B).
    const store = createSqliteStore(path.join(dataDir, 'nimbus.db'));
    keyB = await new KeyService({ keys: store.accessKeys, clock: Date.now }).create(ACCOUNT_B, 'test B');
    await store.close();
    server = await startServer({ dataDir });
  });

  after(async () => {
    for (const c of made) c.destroy();
    await server.dispose();
    await rm(dataDir, { recursive: true, force: true });
    console.log(tally.summary('security (auth enforced)'));
  });

  test('the SDK clients work with a valid key, in its account', async () => {
    await deploy(lambda(keyA), 'fa', { 'index.js': 'exports.handler = async () => "A";' });
    const listed = await lambda(keyA).send(new ListFunctionsCommand({}));
    assert.deepEqual(listed.Functions?.map((f) => f.FunctionName), ['fa']);
    assert.match(listed.Functions?.[0]?.FunctionArn ?? '', new RegExp(`:${ACCOUNT_A}:function:fa$`));
    await s3(keyA).send(new CreateBucketCommand({ Bucket: 'bucket-a' }));
    await s3(keyA).send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'hello' }));
    const got = await s3(keyA).send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(await got.Body?.transformToString(), 'hello');
    const queueUrl = await createQueue(sqs(keyA), 'qa');
    assert.match(queueUrl, new RegExp(`/${ACCOUNT_A}/qa$`));
    await sqs(keyA).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'm' }));
    const received = await sqs(keyA).send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    assert.equal(received.Messages?.[0]?.Body, 'm');
    await expectCodes(keyA, ['ok', 'ok', 'ok', 'ok']);
  });

  test('a wrong secret gets each API\'s signature error', async () => {
    await expectCodes({ accessKeyId: keyA.accessKeyId, secretAccessKey: 'x'.repeat(40) }, ['InvalidSignatureException', 'SignatureDoesNotMatch', 'SignatureDoesNotMatch', 'InvalidSignatureException']);
  });

  test('an unknown key id gets each API\'s unknown-key error', async () => {
    await expectCodes({ accessKeyId: 'AKIAUNKNOWNUNKNOWN22', secretAccessKey: keyA.secretAccessKey }, ['UnrecognizedClientException', 'InvalidAccessKeyId', 'InvalidClientTokenId', 'UnrecognizedClientException']);
    // A 12-digit key id no longer names an account: it is just an unknown key.
    await expectCodes({ accessKeyId: ACCOUNT_A, secretAccessKey: 'test' }, ['UnrecognizedClientException', 'InvalidAccessKeyId', 'InvalidClientTokenId', 'UnrecognizedClientException']);
  });

  test('a request signed 20 minutes ago is refused for clock skew', async () => {
    await expectCodes(keyA, ['InvalidSignatureException', 'RequestTimeTooSkewed', 'SignatureDoesNotMatch', 'InvalidSignatureException'], { offsetMs: -20 * 60 * 1000 });
    const err = await lambda(keyA, { offsetMs: -20 * 60 * 1000 }).send(new ListFunctionsCommand({})).catch((e: unknown) => e as Error);
    assert.match((err as Error).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  test('unsigned requests are refused in each API\'s shape; health stays public', async () => {
    await tally.attack(async () => {
      const res = await raw(server, { path: '/2015-03-31/functions/' });
      assert.equal(res.status, 403);
      assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    });
    await tally.attack(async () => {
      const res = await raw(server, { path: '/bucket-a/k', headers: { host: `s3.localhost:${portOf(server)}` } });
      assert.equal(res.status, 403);
      assert.match(res.body, /<Code>AccessDenied<\/Code>/);
    });
    await tally.attack(async () => {
      const res = await raw(server, { method: 'POST', path: `/${ACCOUNT_A}/qa`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('Action=ReceiveMessage') });
      assert.equal(res.status, 403);
      assert.match(res.body, /<Code>MissingAuthenticationToken<\/Code>/);
    });
    await tally.attack(async () => {
      const res = await raw(server, { path: '/nimbus/v1/instances' });
      assert.equal(res.status, 403);
      assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    });
    await tally.attack(async () => {
      const res = await raw(server, { method: 'POST', path: '/nimbus/v1/keys', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ account: ACCOUNT_B })) });
      assert.equal(res.status, 403);
    });
    assert.equal((await raw(server, { path: '/nimbus/v1/health' })).status, 200);
  });

  test('the admin API accepts a request signed for `nimbus` and answers in the key\'s account', async () => {
    const headers = await signed(server, keyA, 'nimbus', { method: 'GET', path: '/nimbus/v1/keys', headers: {}, body: Buffer.alloc(0) });
    const res = await raw(server, { path: '/nimbus/v1/keys', headers });
    assert.equal(res.status, 200, res.body);
    const keys = (JSON.parse(res.body) as { keys: { accessKeyId: string; account: string }[] }).keys;
    assert.deepEqual(keys.map((k) => k.account), [ACCOUNT_A]);
  });

  test('a declared x-amz-content-sha256 must be the body\'s: buffered (Lambda) and streamed (S3)', async () => {
    const body = Buffer.from('{"FunctionName":"x"}');
    const lie = createHash('sha256').update('something else').digest('hex');
    const headers = await signed(server, keyA, 'lambda', { method: 'POST', path: '/2015-03-31/functions/fa/invocations', headers: { 'x-amz-content-sha256': lie }, body });
    await tally.attack(async () => {
      const res = await raw(server, { method: 'POST', path: '/2015-03-31/functions/fa/invocations', headers, body });
      assert.equal(res.headers['x-amzn-errortype'], 'InvalidSignatureException', res.body);
    });
    const object = Buffer.from('the real object');
    const s3Headers = await signed(server, keyA, 's3', { method: 'PUT', path: '/bucket-a/lied', headers: { 'x-amz-content-sha256': lie, 'content-length': String(object.length) }, body: object });
    await tally.attack(async () => {
      const put = await raw(server, { method: 'PUT', path: '/bucket-a/lied', headers: s3Headers, body: object });
      assert.equal(put.status, 400, put.body);
      assert.match(put.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    });
    assert.equal(await codeOf(s3(keyA).send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'lied' }))), 'NoSuchKey');
  });

  test('a presigned S3 GET works; a tampered one fails', async () => {
    const url = await getSignedUrl(s3(keyA), new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }), { expiresIn: 300 });
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'hello');
    await tally.attack(async () => {
      const tampered = await fetch(url.replace('/bucket-a/k?', '/bucket-a/other?'));
      assert.equal(tampered.status, 403);
      assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    });
    await tally.attack(async () => {
      const forged = await getSignedUrl(s3({ accessKeyId: keyA.accessKeyId, secretAccessKey: 'y'.repeat(40) }), new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }), { expiresIn: 300 });
      const res = await fetch(forged);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    });
  });

  test('account isolation: A sees none of B\'s functions, queues or buckets', async () => {
    await deploy(lambda(keyB), 'fb', { 'index.js': 'exports.handler = async () => "B";' });
    await s3(keyB).send(new CreateBucketCommand({ Bucket: 'bucket-b' }));
    await createQueue(sqs(keyB), 'qb');
    assert.deepEqual((await lambda(keyA).send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName), ['fa']);
    assert.deepEqual((await lambda(keyB).send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName), ['fb']);
    await tally.attack(async () => assert.equal(await codeOf(lambda(keyA).send(new GetFunctionCommand({ FunctionName: 'fb' }))), 'ResourceNotFoundException'));
    await tally.attack(async () => {
      const code = await codeOf(lambda(keyA).send(new GetFunctionCommand({ FunctionName: `arn:aws:lambda:us-east-1:${ACCOUNT_B}:function:fb` })));
      assert.ok(code === 'ResourceNotFoundException' || code === 'AccessDeniedException', code);
    });
    await tally.attack(async () => assert.equal(await codeOf(s3(keyA).send(new ListObjectsV2Command({ Bucket: 'bucket-b' }))), 'AccessDenied'));
    await tally.attack(async () => assert.equal(await codeOf(s3(keyA).send(new PutObjectCommand({ Bucket: 'bucket-b', Key: 'x', Body: 'x' }))), 'AccessDenied'));
    assert.deepEqual((await s3(keyA).send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name), ['bucket-a']);
    const queues = (await sqs(keyA).send(new ListQueuesCommand({}))).QueueUrls ?? [];
    assert.deepEqual(queues.map((u) => u.slice(u.lastIndexOf('/') + 1)), ['qa']);
  });

  test('a function calls the platform with its own derived credentials, in its own account', async () => {
    await deploy(lambda(keyA), 'callee', { 'index.js': 'exports.handler = async () => "callee of A";' });
    await deploy(lambda(keyA), 'caller', { 'index.js': CALLER }, { timeout: 20 });
    const { output, payload, log } = await invoke(lambda(keyA), 'caller');
    assert.equal(output.FunctionError, undefined, `${JSON.stringify(payload)}\n${log}`);
    assert.deepEqual(payload, { callee: 'callee of A', names: ['callee', 'caller', 'fa'], key: 'ASIA' });
  });

  test('an AWS_IAM function URL accepts a signature by a stored key', async () => {
    const { FunctionUrl } = await lambda(keyA).send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fa', AuthType: 'AWS_IAM' }));
    const host = new URL(FunctionUrl ?? '').host;
    const ok = await raw(server, { path: '/hello', headers: await signed(server, keyA, 'lambda', { method: 'GET', path: '/hello', headers: {}, body: Buffer.alloc(0), host }) });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.body, 'A');
    await tally.attack(async () => {
      const wrong = { accessKeyId: keyA.accessKeyId, secretAccessKey: 'z'.repeat(40) };
      const res = await raw(server, { path: '/hello', headers: await signed(server, wrong, 'lambda', { method: 'GET', path: '/hello', headers: {}, body: Buffer.alloc(0), host }) });
      assert.equal(res.status, 403);
      assert.equal(res.headers['x-amzn-errortype'], 'AccessDeniedException');
    });
  });

  test("the dashboard's session cookie stands for its key on the Lambda and admin APIs", async () => {
    const login = await fetch(`${server.url}/nimbus/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials(keyA)) });
    assert.equal(login.status, 200, await login.clone().text());
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.match(cookie, /^nimbus_session=/);
    const listed = await raw(server, { path: '/2015-03-31/functions/', headers: { cookie } });
    assert.equal(listed.status, 200, listed.body);
    const names = (JSON.parse(listed.body) as { Functions: { FunctionName: string; FunctionArn: string }[] }).Functions;
    assert.ok(names.length > 0 && names.every((f) => f.FunctionArn.includes(`:${ACCOUNT_A}:`)), listed.body);
    assert.equal((await raw(server, { path: '/nimbus/v1/keys', headers: { cookie } })).status, 200);
    await tally.attack(async () => {
      const forged = await raw(server, { path: '/2015-03-31/functions/', headers: { cookie: `${cookie.slice(0, -3)}abc` } });
      assert.equal(forged.status, 403);
      assert.equal(forged.headers['x-amzn-errortype'], 'UnrecognizedClientException');
    });
    await tally.attack(async () => {
      // Sessions are for the dashboard's APIs only: S3 and SQS want signatures.
      const res = await raw(server, { path: '/bucket-a/k', headers: { host: `s3.localhost:${portOf(server)}`, cookie } });
      assert.equal(res.status, 403);
    });
  });
});

describe('serving beyond loopback on the strength of iamCredentials alone', () => {
  test('signatures are enforced with those keys, though the store holds none', async () => {
    const server = await startServer({ args: ['--host', '0.0.0.0', '--pool-size', '0', '--iam-credentials', 'AKIAIAMONLYIAMONLY22:iam-secret'] });
    const clients: LambdaClient[] = [];
    const client = (key: Key): LambdaClient => {
      const c = new LambdaClient({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    try {
      assert.equal(await codeOf(client({ accessKeyId: 'AKIAIAMONLYIAMONLY22', secretAccessKey: 'iam-secret' }).send(new ListFunctionsCommand({}))), 'ok');
      assert.equal(await codeOf(client({ accessKeyId: 'AKIAIAMONLYIAMONLY22', secretAccessKey: 'wrong' }).send(new ListFunctionsCommand({}))), 'InvalidSignatureException');
      assert.equal(await codeOf(client({ accessKeyId: 'test', secretAccessKey: 'test' }).send(new ListFunctionsCommand({}))), 'UnrecognizedClientException');
    } finally {
      for (const c of clients) c.destroy();
      await server.dispose();
    }
  });
});
