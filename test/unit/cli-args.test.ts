import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, utimes, writeFile, lstat, cp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import yauzl from 'yauzl';
import { describeApiError } from '../../src/cli/client.js';
import type { CliIo } from '../../src/cli/command.js';
import { loadCode, parseDeployArgs } from '../../src/cli/deploy-args.js';
import { main } from '../../src/cli/main.js';
import { zipDirectory } from '../../src/cli/zip-dir.js';
import { unpackZip } from '../../src/control/code/zip-package.js';

const base = await mkdtemp(path.join(os.tmpdir(), 'nimbus-cli-test-'));
after(() => rm(base, { recursive: true, force: true }));

function captureIo(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, cwd: base };
}

function usage(message: string): { message: string; exitCode: number } {
  return { message, exitCode: 2 };
}

test('deploy flags: defaults are left to create, given flags become changes', () => {
  const spec = parseDeployArgs({ name: 'fn_1-a' }, ['code'], '/work');
  assert.deepEqual(spec, { codePath: '/work/code', name: 'fn_1-a', changes: {} });
  const full = parseDeployArgs(
    {
      name: 'f',
      handler: 'src/app.main',
      runtime: 'nodejs22.x',
      memory: '256',
      timeout: '30',
      env: ['A1=x', 'URL=http://h/?a=b', 'EMPTY='],
      description: 'hello',
      role: 'arn:aws:iam::123456789012:role/service-role/r',
    },
    ['/abs/dir'],
    '/work',
  );
  assert.deepEqual(full.changes, {
    Handler: 'src/app.main',
    Runtime: 'nodejs22.x',
    MemorySize: 256,
    Timeout: 30,
    Environment: { Variables: { A1: 'x', URL: 'http://h/?a=b', EMPTY: '' } },
    Description: 'hello',
    Role: 'arn:aws:iam::123456789012:role/service-role/r',
  });
});

test('deploy flags: each mistake is named', () => {
  const ok = { name: 'f' };
  const cases: [Record<string, unknown>, string[], string][] = [
    [ok, [], 'missing path: nimbus deploy <dir|file.zip> --name N'],
    [ok, ['a', 'b'], "expected one path: nimbus deploy <dir|file.zip> --name N, got 2: 'a' 'b'"],
    [{}, ['d'], '--name is required'],
    [{ name: 'bad name' }, ['d'], "--name must be 1–64 letters, digits, '-' or '_', got 'bad name'"],
    [{ name: 'x'.repeat(65) }, ['d'], `--name must be 1–64 letters, digits, '-' or '_', got '${'x'.repeat(65)}'`],
    [{ ...ok, memory: '127' }, ['d'], "--memory must be an integer 128–10240 (MB), got '127'"],
    [{ ...ok, memory: '10241' }, ['d'], "--memory must be an integer 128–10240 (MB), got '10241'"],
    [{ ...ok, memory: '256.5' }, ['d'], "--memory must be an integer 128–10240 (MB), got '256.5'"],
    [{ ...ok, timeout: '0' }, ['d'], "--timeout must be an integer 1–900 (seconds), got '0'"],
    [{ ...ok, timeout: 'ten' }, ['d'], "--timeout must be an integer 1–900 (seconds), got 'ten'"],
    [{ ...ok, env: ['x'] }, ['d'], "--env expects KEY=VALUE, got 'x'"],
    [{ ...ok, env: ['=v'] }, ['d'], "--env expects KEY=VALUE, got '=v'"],
    [{ ...ok, env: ['1A=v'] }, ['d'], "--env key '1A' must be a letter followed by letters, digits or _ (two characters at least)"],
    [{ ...ok, handler: 'a b' }, ['d'], "--handler must be 1–128 characters without spaces, got 'a b'"],
    [{ ...ok, description: 'd'.repeat(257) }, ['d'], `--description must be at most 256 characters, got '${'d'.repeat(257)}'`],
    [{ ...ok, role: 'admin' }, ['d'], "--role must be an IAM role ARN such as arn:aws:iam::000000000000:role/nimbus, got 'admin'"],
  ];
  for (const [values, positionals, message] of cases) {
    assert.throws(() => parseDeployArgs(values, positionals, '/w'), usage(message), message);
  }
});

test('loadCode: a missing path and a file that is not a zip are refused', async () => {
  await assert.rejects(loadCode(path.join(base, 'nope')), usage(`path '${path.join(base, 'nope')}' does not exist`));
  const notZip = path.join(base, 'index.js');
  await writeFile(notZip, 'exports.handler = 1');
  await assert.rejects(loadCode(notZip), usage(`'${notZip}' is not a .zip file; pass a .zip or the directory to zip`));
  const zipFile = path.join(base, 'code.zip');
  const zip = await zipDirectory(await makeTree('for-load'));
  await writeFile(zipFile, zip);
  assert.deepEqual(await loadCode(zipFile), zip, 'a .zip is sent byte for byte');
});

test('main: strict flags, unknown commands and help', async () => {
  let io = captureIo();
  assert.equal(await main(['deploy', 'dir', '--name', 'f', '--nmae', 'g'], io), 2);
  assert.equal(io.stderr[0], "error: unknown option '--nmae' for 'nimbus deploy'");
  assert.equal(io.stderr[1], 'usage: nimbus deploy <dir|file.zip> --name N [options]');

  io = captureIo();
  assert.equal(await main(['list', '--json=yes'], io), 2);
  assert.equal(io.stderr[0], "error: Option '--json' does not take an argument");

  io = captureIo();
  assert.equal(await main(['deploy', 'dir', '--memory', 'lots', '--name', 'f'], io), 2);
  assert.equal(io.stderr[0], "error: --memory must be an integer 128–10240 (MB), got 'lots'");

  io = captureIo();
  assert.equal(await main(['launch'], io), 2);
  assert.equal(io.stderr[0], "error: unknown command 'launch'");

  io = captureIo();
  assert.equal(await main(['help'], io), 0);
  for (const name of ['serve', 'deploy', 'list', 'get', 'delete']) assert.ok(io.stdout.some((l) => l.startsWith(`  ${name} `)), name);
  io = captureIo();
  assert.equal(await main(['--help'], io), 0);
  assert.equal(io.stdout[0], 'usage: nimbus <command> [options]');
  io = captureIo();
  assert.equal(await main([], io), 2);
  assert.equal(io.stderr[0], 'usage: nimbus <command> [options]');
  io = captureIo();
  assert.equal(await main(['get', '--help'], io), 0);
  assert.equal(io.stdout[0], 'usage: nimbus get <name> [options]');
});

test('main: a closed port is reported as no platform answering', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  const io = captureIo({ NIMBUS_ENDPOINT: endpoint });
  assert.equal(await main(['list'], io), 1);
  assert.deepEqual(io.stderr, [`error: no Nimbus platform answering at ${endpoint} (start one with \`npx nimbus serve\`)`]);
});

test('API errors become one line', () => {
  const service = Object.assign(new Error('Function not found: arn:aws:lambda:us-east-1:000000000000:function:f'), {
    name: 'ResourceNotFoundException',
    $metadata: { httpStatusCode: 404 },
  });
  assert.equal(describeApiError(service, 'http://h'), 'ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:f');
  const refused = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9000'), { code: 'ECONNREFUSED' })], '');
  assert.match(describeApiError(refused, 'http://localhost:9000'), /^no Nimbus platform answering at http:\/\/localhost:9000/);
  const unknown = Object.assign(new Error('UnknownError'), { name: 'UnknownError', $metadata: { httpStatusCode: 502 } });
  assert.equal(describeApiError(unknown, 'http://h'), 'UnknownError: HTTP 502');
});

async function makeTree(name: string): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(path.join(dir, 'lib/deep'), { recursive: true });
  await mkdir(path.join(dir, 'empty'));
  await mkdir(path.join(dir, '.git/objects'), { recursive: true });
  await writeFile(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
  await writeFile(path.join(dir, 'index.js'), 'exports.handler = async () => "hi";\n');
  await writeFile(path.join(dir, 'bootstrap'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'bootstrap'), 0o750);
  await writeFile(path.join(dir, 'lib/deep/data.json'), '{"a":1}');
  await chmod(path.join(dir, 'lib/deep/data.json'), 0o600);
  await symlink('../index.js', path.join(dir, 'lib/main.js'));
  return dir;
}

async function listing(zip: Buffer): Promise<{ name: string; mode: number; mtime: number }[]> {
  const file = await yauzl.fromBufferPromise(zip);
  const out: { name: string; mode: number; mtime: number }[] = [];
  for await (const entry of file.eachEntry()) {
    out.push({ name: entry.fileName, mode: entry.externalFileAttributes >>> 16, mtime: entry.getLastModDate().getTime() });
  }
  return out;
}

test('zipDirectory is reproducible: same bytes twice, from a copy, whatever the times', async () => {
  const dir = await makeTree('repro');
  const first = await zipDirectory(dir);
  assert.deepEqual(await zipDirectory(dir), first);
  const copy = path.join(base, 'repro-copy');
  await cp(dir, copy, { recursive: true, verbatimSymlinks: true });
  await utimes(path.join(copy, 'index.js'), new Date(2020, 1, 2), new Date(2020, 1, 2));
  assert.deepEqual(await zipDirectory(copy), first, 'path and mtimes do not matter');
});

test('zipDirectory: sorted entries, fixed times, modes kept, .git skipped, in-tree links kept', async () => {
  const zip = await zipDirectory(await makeTree('shape'));
  const entries = await listing(zip);
  assert.deepEqual(
    entries.map((e) => [e.name, e.mode.toString(8)]),
    [
      ['bootstrap', '100755'],
      ['empty/', '40755'],
      ['index.js', '100644'],
      ['lib/', '40755'],
      ['lib/deep/', '40755'],
      ['lib/deep/data.json', '100644'],
      ['lib/main.js', '120777'],
    ],
  );
  assert.ok(entries.every((e) => e.mtime === new Date(1980, 0, 1).getTime()));

  const out = path.join(base, 'shape-unpacked');
  await unpackZip(zip, out);
  assert.equal((await stat(path.join(out, 'bootstrap'))).mode & 0o777, 0o755);
  assert.equal(await readlink(path.join(out, 'lib/main.js')), '../index.js');
  assert.equal(await readFile(path.join(out, 'lib/main.js'), 'utf8'), 'exports.handler = async () => "hi";\n');
  assert.deepEqual((await readdir(out)).sort(), ['bootstrap', 'empty', 'index.js', 'lib']);
});

test('zipDirectory follows links that leave the tree', async () => {
  const outside = path.join(base, 'shared');
  await mkdir(path.join(outside, 'pkg'), { recursive: true });
  await writeFile(path.join(outside, 'pkg/util.js'), 'module.exports = 1;\n');
  await writeFile(path.join(outside, 'config.json'), '{}');
  const dir = path.join(base, 'follows');
  await mkdir(dir);
  await symlink(path.join(outside, 'config.json'), path.join(dir, 'config.json')); // absolute
  await symlink('../shared/pkg', path.join(dir, 'pkg')); // relative, leaves the tree
  const entries = await listing(await zipDirectory(dir));
  assert.deepEqual(
    entries.map((e) => [e.name, e.mode.toString(8)]),
    [
      ['config.json', '100644'],
      ['pkg/', '40755'],
      ['pkg/util.js', '100644'],
    ],
  );
  assert.ok((await lstat(path.join(dir, 'pkg'))).isSymbolicLink());
});
