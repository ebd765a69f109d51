// The AWS CLI against Nimbus's S3 API: `aws s3 mb/cp/ls/rm/rb` (uploads large enough
// for the CLI's multipart path) and `aws s3api`. Under CI=true the CLI must be there
// (.ci/run installs it); elsewhere the test is skipped with the reason when it is not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';

const hasAws = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasAws && process.env.CI !== 'true' ? 'the AWS CLI (`aws`) is not installed; .ci/run installs it under CI' : false;
if (skip) console.log(`# skipping s3-cli: ${skip}`);

const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

let server: RunningServer;
let work: string;
before(async () => {
  if (skip) return;
  server = await startServer({ args: ['--pool-size', '0'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'nimbus-aws-cli-'));
});
after(async () => {
  if (skip) return;
  await server.dispose();
  await rm(work, { recursive: true, force: true });
});

function aws(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // The caller's environment (HOME finds a pyenv- or pip-installed CLI), with any AWS settings replaced.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const env = {
    ...inherited, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'none'), AWS_PAGER: '',
  };
  const quiet = args[0] === 's3' && args[1] === 'cp' ? ['--no-progress'] : [];
  const out = spawnSync('aws', ['--endpoint-url', server.url, ...args, ...quiet], { env, encoding: 'utf8' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

test('aws s3 mb, cp up and down (single and multipart), ls, rm, rb', { skip }, async () => {
  const small = Buffer.from('hello from the CLI\n');
  const large = randomBytes(20 * 1024 * 1024); // over the CLI's 8 MB threshold: multipart
  await writeFile(path.join(work, 'small.txt'), small);
  await writeFile(path.join(work, 'large.bin'), large);
  assert.equal(aws('s3', 'mb', 's3://cli-bucket').status, 0);
  for (const [file, key] of [['small.txt', 'notes/small.txt'], ['large.bin', 'large.bin']]) {
    const up = aws('s3', 'cp', path.join(work, file as string), `s3://cli-bucket/${key}`);
    assert.equal(up.status, 0, up.stderr);
  }
  const listed = aws('s3', 'ls', 's3://cli-bucket/');
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /PRE notes\//);
  assert.match(listed.stdout, /\s20971520 large\.bin/);
  assert.match(aws('s3', 'ls', 's3://cli-bucket/', '--recursive').stdout, /\s19 notes\/small\.txt/);
  assert.match(aws('s3', 'ls').stdout, /cli-bucket/);
  const down = aws('s3', 'cp', 's3://cli-bucket/large.bin', path.join(work, 'large.down'));
  assert.equal(down.status, 0, down.stderr);
  assert.equal(md5(await readFile(path.join(work, 'large.down'))), md5(large));
  assert.equal(aws('s3', 'cp', 's3://cli-bucket/notes/small.txt', '-').stdout, small.toString());
  assert.equal(aws('s3', 'rm', 's3://cli-bucket/', '--recursive').status, 0);
  assert.equal(aws('s3', 'rb', 's3://cli-bucket').status, 0);
  assert.doesNotMatch(aws('s3', 'ls').stdout, /cli-bucket/);
});

test('aws s3api: put-object, head-object, list-objects-v2, copy-object, error codes', { skip }, async () => {
  await writeFile(path.join(work, 'body.txt'), 'api body');
  assert.equal(aws('s3api', 'create-bucket', '--bucket', 'api-bucket').status, 0);
  const put = aws('s3api', 'put-object', '--bucket', 'api-bucket', '--key', 'a b.txt', '--body', path.join(work, 'body.txt'), '--content-type', 'text/plain', '--metadata', 'k=v');
  assert.equal(put.status, 0, put.stderr);
  assert.equal((JSON.parse(put.stdout) as { ETag: string }).ETag, `"${md5(Buffer.from('api body'))}"`);
  const head = JSON.parse(aws('s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'a b.txt').stdout) as { ContentLength: number; ContentType: string; Metadata: Record<string, string> };
  assert.deepEqual([head.ContentLength, head.ContentType, head.Metadata], [8, 'text/plain', { k: 'v' }]);
  // botocore URL-encodes the copy source itself: the key goes in as it is.
  assert.equal(aws('s3api', 'copy-object', '--bucket', 'api-bucket', '--key', 'copy.txt', '--copy-source', 'api-bucket/a b.txt').status, 0);
  const listed = JSON.parse(aws('s3api', 'list-objects-v2', '--bucket', 'api-bucket').stdout) as { Contents: { Key: string }[] };
  assert.deepEqual(listed.Contents.map((c) => c.Key), ['a b.txt', 'copy.txt']);
  const missing = aws('s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'nope', path.join(work, 'nope'));
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /NoSuchKey/);
  assert.match(aws('s3api', 'delete-bucket', '--bucket', 'api-bucket').stderr, /BucketNotEmpty/);
});
