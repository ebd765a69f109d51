// Bad input gets Lambda's error, names the field, and leaves nothing behind.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient} from '@aws-sdk/client-lambda';
import { CreateFunctionCommand, type CreateFunctionCommandInput, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { startServer, type RunningServer } from '../helpers/server.js';
import { helloZip } from '../helpers/zip.js';

const ROLE = 'arn:aws:iam::000000000000:role/test';

function zipWith(build: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function storedFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['code', 'blobs']) {
    const entries = await readdir(path.join(dataDir, sub), { recursive: true }).catch(() => [] as string[]);
    out.push(...entries.map((e) => path.join(sub, e)));
  }
  return out.sort();
}

describe('validation of the function registry', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  let valid: CreateFunctionCommandInput;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    valid = { FunctionName: 'valid', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: await helloZip() } };
  });
  after(async () => server.dispose());

  const invalidFields: [string, Partial<CreateFunctionCommandInput> | Record<string, unknown>, RegExp][] = [
    ['FunctionName', { FunctionName: 'bad name!' }, /FunctionName/],
    ['FunctionName length', { FunctionName: 'x'.repeat(65) }, /FunctionName: function names are at most 64/],
    ['Runtime', { Runtime: 'java21' }, /Runtime: 'java21' is not supported/],
    ['Handler', { Handler: 'has space.handler' }, /Handler/],
    ['Role', { Role: 'not-an-arn' }, /Role/],
    ['MemorySize low', { MemorySize: 64 }, /MemorySize: must be an integer from 128 to 10240 \(got 64\)/],
    ['MemorySize high', { MemorySize: 10241 }, /MemorySize/],
    ['Timeout low', { Timeout: 0 }, /Timeout: must be an integer from 1 to 900/],
    ['Timeout high', { Timeout: 901 }, /Timeout/],
    ['EphemeralStorage', { EphemeralStorage: { Size: 100 } }, /EphemeralStorage.Size/],
    ['Environment key', { Environment: { Variables: { '1BAD': 'x' } } }, /Environment.Variables: key '1BAD'/],
    ['Environment reserved key', { Environment: { Variables: { AWS_REGION: 'x' } } }, /reserved keys.*AWS_REGION/],
    ['Environment size', { Environment: { Variables: { BIG: 'x'.repeat(5000) } } }, /exceeded the 4KB limit/],
    ['Description', { Description: 'd'.repeat(257) }, /Description/],
    ['Architectures', { Architectures: ['x86_64', 'arm64'] }, /Architectures/],
    ['Tags', { Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, /Number of tags exceeds/],
  ];
  for (const [label, change, message] of invalidFields) {
    test(`invalid ${label} → InvalidParameterValueException naming it`, async () => {
      await assert.rejects(lambda.send(new CreateFunctionCommand({ ...valid, FunctionName: `inv-${label.replace(/\W/g, '')}`, ...change })), (err: Error) => {
        assert.equal(err.name, 'InvalidParameterValueException', `${label}: ${err.name} ${err.message}`);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test('UpdateFunctionConfiguration validates too and changes nothing on failure', async () => {
    await lambda.send(new CreateFunctionCommand({ ...valid, FunctionName: 'upd' }));
    await assert.rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'upd', Timeout: 1000 })), { name: 'InvalidParameterValueException' });
  });

  test('a body that is not JSON gets InvalidRequestContentException', async () => {
    const res = await fetch(`${server.url}/2015-03-31/functions`, { method: 'POST', body: '{not json' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.Type, 'User');
    assert.match(String(body.message), /Could not parse request body into json/);
  });

  test('a missing required member is named', async () => {
    const res = await fetch(`${server.url}/2015-03-31/functions`, { method: 'POST', body: JSON.stringify({ FunctionName: 'x' }) });
    assert.equal(res.status, 400);
    assert.match(String(((await res.json()) as { message: string }).message), /^Code: is required/);
  });

  test('an unknown operation is a clear 404', async () => {
    const res = await fetch(`${server.url}/2015-03-31/nothing-here`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  });

  describe('bad zips are refused and leave nothing behind', () => {
    const cases: [string, () => Promise<Buffer>, RegExp][] = [
      // yazl refuses to write '../', so write 'XX/evil' and patch the name in both headers.
      ['a ../ entry', async () => {
        const zip = await zipWith((z) => z.addBuffer(Buffer.from('x'), 'XX/evil'));
        return Buffer.from(zip.toString('latin1').replaceAll('XX/evil', '../evil'), 'latin1');
      }, /evil/],
      ['a symlink leaving the tree', () => zipWith((z) => z.addBuffer(Buffer.from('../../../etc/passwd'), 'link', { mode: 0o120777 })), /link/],
      ['a truncated zip', async () => (await helloZip()).subarray(0, 40), /Could not unzip uploaded file/],
      ['bytes that are not a zip', () => Promise.resolve(Buffer.from('hello, this is not a zip file at all')), /Could not unzip uploaded file/],
    ];
    for (const [label, build, message] of cases) {
      test(label, async () => {
        const before = await storedFiles(server.dataDir);
        await assert.rejects(lambda.send(new CreateFunctionCommand({ ...valid, FunctionName: 'badzip', Code: { ZipFile: await build() } })), (err: Error) => {
          assert.equal(err.name, 'InvalidParameterValueException', err.message);
          assert.match(err.message, message);
          return true;
        });
        assert.deepEqual(await storedFiles(server.dataDir), before);
      });
    }

    test('an oversized body gets 413 RequestTooLargeException before it is read', async () => {
      const before = await storedFiles(server.dataDir);
      const huge = Buffer.alloc(71_000_000, 0x61);
      const res = await fetch(`${server.url}/2015-03-31/functions`, { method: 'POST', body: huge }).catch((err: Error) => err);
      // The server answers 413 and closes; a client still sending may see the reset instead.
      if (!(res instanceof Error)) {
        assert.equal(res.status, 413);
        assert.equal(res.headers.get('x-amzn-errortype'), 'RequestTooLargeException');
      }
      assert.deepEqual(await storedFiles(server.dataDir), before);
      // and the platform keeps serving
      const ok = await fetch(`${server.url}/2015-03-31/functions`);
      assert.equal(ok.status, 200);
    });
  });
});
