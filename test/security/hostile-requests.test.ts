// Hostile requests: property-based fuzzing (fast-check) of every API on the platform port.
// Every case must get the API's own error shape and a 4xx — never a 5xx, a hang or a crash —
// and nothing may be written: the lists of functions, buckets, objects and queues are the
// same afterwards, and no file appears outside the data dir.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CreateFunctionCommand, CreateFunctionUrlConfigCommand, GetFunctionCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { deploy } from '../helpers/functions.js';
import { AttackTally, rawRequest, type RawReply, type RawRequest } from '../helpers/hostile.js';
import { s3Client } from '../helpers/s3.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createQueue, sqsClient } from '../helpers/sqs.js';
import { makeZip } from '../helpers/zip.js';
import {
  ESCAPE_MARKER, assertLambdaError, assertS3Error, assertSqsJsonError, assertSqsQueryError, badXml, evilName, evilSegment, forgedSignature, junkHeaderValue, notJson,
  sigv4Header,
} from './hostile-input.js';

const RUNS = 20;
const AKID = 'AKIDFUZZ';
const SECRET = 'fuzz-secret';
const ROLE = 'arn:aws:iam::000000000000:role/test';

/** Files and folders named with the escape marker under `dir`, a few levels deep. */
async function escapedFiles(dir: string, depth = 3): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.name.includes(ESCAPE_MARKER)) found.push(full);
    if (entry.isDirectory() && depth > 0) found.push(...(await escapedFiles(full, depth - 1)));
  }
  return found;
}

describe('hostile requests', () => {
  const tally = new AttackTally();
  let server: RunningServer;
  let lambda: LambdaClient;
  let s3: S3Client;
  let signedS3: S3Client;
  let sqs: SQSClient;
  let queueUrl: string;
  let before_: { functions: string[]; buckets: string[]; queues: string[] };

  /** One hostile request: it is tried, and counted contained when `check` accepts the reply. */
  const send = (request: RawRequest, check: (reply: RawReply) => void): Promise<void> =>
    tally.attack(async () => {
      const reply = await rawRequest(server.url, request);
      // Raw bytes past ASCII in the request line are not HTTP: node's parser answers a bare
      // 400 and closes before any API sees the request. Percent-encoded, they reach the APIs.
      if (/[^\x20-\x7e]/.test(request.path)) assert.equal(reply.status, 400, `${request.path}: ${reply.status}`);
      else check(reply);
    });

  const snapshot = async (): Promise<typeof before_> => ({
    functions: ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName ?? '').sort(),
    buckets: ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '').sort(),
    queues: ((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).sort(),
  });

  before(async () => {
    server = await startServer({ args: ['--iam-credentials', `${AKID}:${SECRET}`] });
    lambda = server.lambda();
    s3 = s3Client(server);
    signedS3 = s3Client(server, { accessKeyId: AKID, secretAccessKey: SECRET, checksums: 'WHEN_REQUIRED' });
    sqs = sqsClient(server);
    await deploy(lambda, 'echo', { 'index.js': 'exports.handler = async (e) => ({ statusCode: 200, body: JSON.stringify({ rawPath: e.rawPath }) });' });
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' }));
    await deploy(lambda, 'private', { 'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "secret" });' });
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'private', AuthType: 'AWS_IAM' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'fuzz' }));
    await signedS3.send(new PutObjectCommand({ Bucket: 'fuzz', Key: 'kept', Body: 'kept' }));
    queueUrl = await createQueue(sqs, 'fuzz');
    before_ = await snapshot();
  });
  after(async () => {
    console.log(tally.summary('security (hostile requests)'));
    for (const client of [s3, signedS3, sqs]) client.destroy();
    await server.dispose();
  });

  describe('Lambda API', () => {
    test('names with traversal or invalid UTF-8 on every function path', () => fc.assert(fc.asyncProperty(
      evilSegment, fc.constantFrom('GET', 'DELETE', 'POST'), async (name, method) => {
        const suffix = method === 'POST' ? '/invocations' : '';
        await send({ method, path: `/2015-03-31/functions/${name}${suffix}`, headers: sigv4Header('lambda'), body: method === 'POST' ? '{}' : undefined },
          (r) => assertLambdaError(r, `${method} ${name}`));
      }), { numRuns: RUNS }));

    test('hostile qualifiers on GetFunction and Invoke', () => fc.assert(fc.asyncProperty(evilSegment, fc.boolean(), async (segment, viaInvoke) => {
      const qualifier = segment.replace(/[&=+]/g, (c) => encodeURIComponent(c)); // one query parameter, whatever it holds
      const request: RawRequest = viaInvoke
        ? { method: 'POST', path: `/2015-03-31/functions/echo/invocations?Qualifier=${qualifier}`, headers: sigv4Header('lambda'), body: '{}' }
        : { path: `/2015-03-31/functions/echo?Qualifier=${qualifier}`, headers: sigv4Header('lambda') };
      await send(request, (r) => assertLambdaError(r, `qualifier ${qualifier}`));
    }), { numRuns: RUNS }));

    test('CreateFunction bodies: malformed JSON, wrong types, hostile names', () => fc.assert(fc.asyncProperty(fc.oneof(
      notJson,
      fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => Buffer.from(JSON.stringify(v))),
      evilName.map((FunctionName) => Buffer.from(JSON.stringify({ FunctionName, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' } }))),
    ), async (body) => {
      await send({ method: 'POST', path: '/2015-03-31/functions', headers: { ...sigv4Header('lambda'), 'content-type': 'application/json' }, body },
        (r) => assertLambdaError(r, `CreateFunction ${body.toString('latin1').slice(0, 80)}`));
    }), { numRuns: RUNS }));

    test('Invoke with a body that is not JSON (or not UTF-8)', () => fc.assert(fc.asyncProperty(notJson, async (body) => {
      await send({ method: 'POST', path: '/2015-03-31/functions/echo/invocations', headers: sigv4Header('lambda'), body },
        (r) => assertLambdaError(r, `Invoke ${body.toString('latin1').slice(0, 80)}`));
    }), { numRuns: RUNS }));

    test('an oversized Invoke body gets 413 before it runs', () => send(
      { method: 'POST', path: '/2015-03-31/functions/echo/invocations', headers: sigv4Header('lambda'), body: Buffer.alloc(6 * 1024 * 1024 + 100, 0x20) },
      (r) => {
        assert.equal(r.status, 413);
        assertLambdaError(r, 'oversized Invoke');
      }));

    test('zip uploads: random bytes, truncated zips and hostile entry names are refused', async () => {
      const valid = await makeZip({ 'index.js': 'exports.handler = async () => 1;' });
      const hostileEntry = async (name: string): Promise<Buffer> => {
        const placeholder = 'X'.repeat(name.length);
        const zip = await makeZip({ 'index.js': 'exports.handler = async () => 1;', [placeholder]: 'pwned' });
        return Buffer.from(zip.toString('latin1').replaceAll(placeholder, name), 'latin1');
      };
      await fc.assert(fc.asyncProperty(fc.oneof(
        fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => Promise.resolve(Buffer.from(b))),
        fc.integer({ min: 0, max: valid.length - 1 }).map((n) => Promise.resolve(valid.subarray(0, n))),
        fc.constantFrom('../escape.js', '/etc/cron.d/x', '..\\win.js', `a/../../${ESCAPE_MARKER}`).map(hostileEntry),
      ), async (zipPromise) => {
        const ZipFile = await zipPromise;
        await tally.attack(async () => {
          await assert.rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'zipfuzz', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile } })),
            (err: Error) => err.name === 'InvalidParameterValueException' || err.name === 'RequestEntityTooLargeException');
        });
      }), { numRuns: RUNS });
      await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'zipfuzz' })), { name: 'ResourceNotFoundException' });
    });
  });

  describe('S3', () => {
    test('keys with traversal or invalid UTF-8 never read or remove anything', () => fc.assert(fc.asyncProperty(
      evilSegment, fc.constantFrom('GET', 'HEAD', 'DELETE'), async (key, method) => {
        await send({ method, path: `/fuzz/${key}`, headers: sigv4Header('s3') }, (r) => {
          // DeleteObject of a key that does not exist is S3's 204; any other success would be a leak.
          if (method === 'DELETE' && r.status === 204) return;
          assertS3Error(r, `${method} ${key}`, method);
        });
      }), { numRuns: RUNS }));

    test('hostile bucket names are refused', () => fc.assert(fc.asyncProperty(evilSegment, fc.constantFrom('PUT', 'GET', 'DELETE'), async (bucket, method) => {
      await send({ method, path: `/${bucket}`, headers: sigv4Header('s3') }, (r) => assertS3Error(r, `${method} bucket ${bucket}`, method));
    }), { numRuns: RUNS }));

    test('malformed XML bodies: CreateBucket, DeleteObjects, notifications, CompleteMultipartUpload', () => fc.assert(fc.asyncProperty(
      badXml, fc.constantFrom('PUT /fuzz-created', 'POST /fuzz?delete', 'PUT /fuzz?notification', 'POST /fuzz/k?uploadId=nope'), async (xml, target) => {
        const [method, url] = target.split(' ') as [string, string];
        await send({ method, path: url, headers: { ...sigv4Header('s3'), 'content-type': 'application/xml' }, body: xml },
          (r) => assertS3Error(r, `${target} ${xml.slice(0, 60)}`, method));
      }), { numRuns: RUNS }));

    test('wrong digests, checksums, ranges and copy sources in headers', () => fc.assert(fc.asyncProperty(
      fc.constantFrom('content-md5', 'x-amz-checksum-crc32', 'x-amz-checksum-sha256', 'x-amz-copy-source'), junkHeaderValue, async (header, value) => {
        const headerValue = header === 'x-amz-copy-source' ? `/fuzz/../../${value}` : value;
        await send({ method: 'PUT', path: '/fuzz/with-headers', headers: { ...sigv4Header('s3'), [header]: headerValue }, body: 'body' },
          (r) => assertS3Error(r, `${header}: ${headerValue}`, 'PUT'));
      }), { numRuns: RUNS }));

    test('presigned URLs with a wrong signature, key or secret are refused', async () => {
      const good = new URL(await getSignedUrl(signedS3, new GetObjectCommand({ Bucket: 'fuzz', Key: 'kept' }), { expiresIn: 300 }));
      const stranger = s3Client(server, { accessKeyId: AKID, secretAccessKey: 'guessed', checksums: 'WHEN_REQUIRED' });
      const forged = new URL(await getSignedUrl(stranger, new PutObjectCommand({ Bucket: 'fuzz', Key: 'planted' }), { expiresIn: 300 }));
      stranger.destroy();
      await fc.assert(fc.asyncProperty(fc.oneof(
        forgedSignature.map((sig) => { const u = new URL(good); u.searchParams.set('X-Amz-Signature', sig); return { method: 'GET', url: u }; }),
        evilSegment.map((key) => ({ method: 'GET', url: new URL(`${good.pathname.replace('kept', key)}${good.search}`, good) })),
        fc.constant({ method: 'PUT', url: forged }),
      ), async ({ method, url }) => {
        await send({ method, path: url.pathname + url.search, body: method === 'PUT' ? 'planted' : undefined }, (r) => {
          // 403 SignatureDoesNotMatch, or 400 InvalidURI for a key that is not a valid URI: never the object.
          assert.ok(r.status === 403 || r.status === 400, `${method} ${url.pathname}: ${r.status} ${r.body.slice(0, 200)}`);
          assertS3Error(r, 'forged presigned URL', method);
        });
      }), { numRuns: RUNS });
    });
  });

  describe('SQS', () => {
    test('JSON protocol: bodies that are not JSON, and hostile queue names and URLs', () => fc.assert(fc.asyncProperty(
      fc.oneof(
        notJson.map((body) => ({ op: 'SendMessage', body })),
        evilName.map((QueueName) => ({ op: 'CreateQueue', body: Buffer.from(JSON.stringify({ QueueName })) })),
        evilName.map((QueueName) => ({ op: 'GetQueueUrl', body: Buffer.from(JSON.stringify({ QueueName })) })),
        evilSegment.map((name) => ({ op: 'DeleteQueue', body: Buffer.from(JSON.stringify({ QueueUrl: `${server.url}/000000000000/${name}` })) })),
        fc.string({ maxLength: 30 }).map((op) => ({ op: `Nope${op.replace(/[^\x21-\x7e]/g, '')}`, body: Buffer.from('{}') })),
      ), async ({ op, body }) => {
        await send({ method: 'POST', path: '/', headers: { ...sigv4Header('sqs'), 'x-amz-target': `AmazonSQS.${op}`, 'content-type': 'application/x-amz-json-1.0' }, body },
          (r) => assertSqsJsonError(r, `${op} ${body.toString('latin1').slice(0, 60)}`));
      }), { numRuns: RUNS }));

    test('query protocol: unknown actions, hostile names, invalid message characters', () => fc.assert(fc.asyncProperty(
      fc.oneof(
        evilName.map((QueueName) => ({ Action: 'CreateQueue', QueueName })),
        fc.string({ maxLength: 20 }).map((a) => ({ Action: `Nope${a}` })),
        fc.constantFrom('\u0000', '\uffff', '\u0008').map((c) => ({ Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: `bad${c}` })),
      ), async (params) => {
        const body = new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
        await send({ method: 'POST', path: '/', headers: { ...sigv4Header('sqs'), 'content-type': 'application/x-www-form-urlencoded' }, body },
          (r) => assertSqsQueryError(r, JSON.stringify(params)));
      }), { numRuns: RUNS }));

    test('an oversized message is refused and not enqueued', () => send(
      { method: 'POST', path: '/', headers: { ...sigv4Header('sqs'), 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(1024 * 1024 + 1) }) },
      (r) => assertSqsJsonError(r, 'oversized SendMessage')));
  });

  describe('function URLs', () => {
    test('hostile paths reach the function as its own data, never the platform\'s files', () => fc.assert(fc.asyncProperty(
      evilSegment, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), notJson, async (tail, method, body) => {
        await send({ method, path: `/url/echo/${tail}`, body: method === 'GET' ? undefined : body }, (r) => {
          assert.ok(r.status < 500, `${method} ${tail}: ${r.status} ${r.body.slice(0, 200)}`);
          if (r.status === 200) assert.ok(typeof (JSON.parse(r.body) as { rawPath?: unknown }).rawPath === 'string', r.body);
        });
      }), { numRuns: RUNS }));

    test('AWS_IAM URLs refuse missing, malformed and wrong signatures', () => fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.constant({}),
        junkHeaderValue.map((v) => ({ authorization: v })),
        forgedSignature.map((sig) => ({ ...sigv4Header('lambda', AKID), authorization: sigv4Header('lambda', AKID).authorization!.replace(/Signature=\w+/, `Signature=${sig}`) })),
      ), async (headers) => {
        await send({ path: '/url/private/', headers }, (r) => {
          assert.equal(r.status, 403, `${JSON.stringify(headers)}: ${r.status} ${r.body}`);
          assert.equal(typeof (JSON.parse(r.body) as { Message?: string }).Message, 'string');
        });
      }), { numRuns: RUNS }));
  });

  describe('the connection itself', () => {
    test('a request head over 16 KB gets 431', () => send(
      { path: '/2015-03-31/functions', headers: { ...sigv4Header('lambda'), 'x-padding': 'a'.repeat(20_000) } },
      (r) => assert.equal(r.status, 431)));

    test('slowloris: a client trickling its headers is cut off by the headers timeout', () => tally.attack(async () => {
      const { hostname, port } = new URL(server.url);
      const socket = net.connect({ host: hostname, port: Number(port) });
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write('GET /2015-03-31/functions HTTP/1.1\r\nHost: x\r\n');
      const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 1000);
      const outcome = await new Promise<string>((resolve) => {
        const guard = setTimeout(() => resolve('still open after 40 s'), 40_000);
        let reply = '';
        socket.on('data', (d: Buffer) => (reply += d.toString()));
        socket.once('close', () => {
          clearTimeout(guard);
          resolve(reply === '' ? 'closed' : reply.split('\r\n')[0] ?? '');
        });
        socket.once('error', () => undefined);
      });
      clearInterval(trickle);
      socket.destroy();
      assert.match(outcome, /^(closed|HTTP\/1\.1 408)/);
    }));
  });

  test('nothing was written and the platform still serves', async () => {
    assert.deepEqual(await snapshot(), before_);
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: 'fuzz' }));
    assert.deepEqual(objects.Contents?.map((o) => o.Key), ['kept']);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    assert.equal(received.Messages?.length ?? 0, 0);
    const roots = [os.tmpdir(), path.dirname(server.dataDir), '/', process.cwd()];
    const escaped = (await Promise.all(roots.map((root) => escapedFiles(root, root === '/' ? 0 : 2)))).flat();
    assert.deepEqual(escaped, []);
    assert.equal(server.process.exitCode, null, 'the platform did not crash');
    assert.match((await rawRequest(server.url, { method: 'POST', path: '/2015-03-31/functions/echo/invocations', headers: sigv4Header('lambda'), body: '{}' })).body, /statusCode/);
  });
});
