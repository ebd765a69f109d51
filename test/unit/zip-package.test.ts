import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import yazl from 'yazl';
import { crc32Portable } from '../../src/util/crc32.js';
import { LAMBDA_ZIP_LIMITS, unpackZip, type ZipLimits } from '../../src/control/code/zip-package.js';
import { ByteBudget } from '../../src/control/code/zip-read.js';
import { NimbusError } from '../../src/errors.js';

const SMALL: ZipLimits = { maxZippedBytes: 64 * 1024, maxUnzippedBytes: 64 * 1024, maxEntries: 50 };
const COULD_NOT_UNZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';
const S_IFLNK = 0o120000;

const base = await mkdtemp(path.join(os.tmpdir(), 'nimbus-zip-test-'));
after(() => rm(base, { recursive: true, force: true }));

let counter = 0;
async function freshDest(): Promise<{ parent: string; dest: string }> {
  const parent = path.join(base, `case-${++counter}`);
  await mkdir(parent);
  return { parent, dest: path.join(parent, 'code') };
}

async function makeZip(build: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** yazl refuses unsafe names, so tests write a same-length placeholder and patch the bytes. */
function rename(zip: Buffer, from: string, to: string): Buffer {
  assert.equal(Buffer.byteLength(from), Buffer.byteLength(to));
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let found = 0;
  for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, at + 1)) {
    Buffer.from(to).copy(out, at);
    found++;
  }
  assert.ok(found >= 2, 'name patched in local header and central directory');
  return out;
}

function link(zip: yazl.ZipFile, name: string, target: string): void {
  zip.addBuffer(Buffer.from(target), name, { mode: S_IFLNK | 0o777, compress: false });
}

function zeros(total: number): Readable {
  const chunk = Buffer.alloc(1 << 20);
  let left = total;
  return new Readable({
    read() {
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === 0 ? null : chunk.subarray(0, n));
    },
  });
}

async function refused(zip: Buffer, limits: ZipLimits, message: string | RegExp): Promise<void> {
  const { parent, dest } = await freshDest();
  await assert.rejects(unpackZip(zip, dest, limits), (err: unknown) => {
    assert.ok(err instanceof NimbusError, `expected a NimbusError, got ${String(err)}`);
    assert.equal(err.code, 'InvalidParameterValueException');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
  assert.deepEqual(await readdir(parent), [], 'neither destDir nor a temp dir is left behind');
}

test('unpacks files, directories, modes and in-tree symlinks', async () => {
  const zip = await makeZip((z) => {
    z.addBuffer(Buffer.from('exports.handler = async () => 1;\n'), 'index.js', { mode: 0o100644 });
    z.addBuffer(Buffer.from('#!/bin/sh\n'), 'bin/run', { mode: 0o100700 });
    z.addBuffer(Buffer.from('data'), 'lib/deep/data.txt', { mode: 0o100600, compress: false });
    z.addEmptyDirectory('empty/');
    link(z, 'lib/index-link.js', '../index.js');
    link(z, 'lib/deep/up', '..');
  });
  const { dest } = await freshDest();
  const result = await unpackZip(zip, dest, SMALL);
  assert.deepEqual(result, { dir: dest, files: 5, unzippedBytes: 33 + 10 + 4 + 11 + 2 });
  assert.equal(await readFile(path.join(dest, 'index.js'), 'utf8'), 'exports.handler = async () => 1;\n');
  assert.equal(await readFile(path.join(dest, 'lib/deep/data.txt'), 'utf8'), 'data');
  assert.equal((await stat(path.join(dest, 'index.js'))).mode & 0o777, 0o644);
  assert.equal((await stat(path.join(dest, 'bin/run'))).mode & 0o777, 0o755, 'any x bit gives 0755');
  assert.equal((await stat(path.join(dest, 'lib/deep/data.txt'))).mode & 0o777, 0o644);
  assert.equal((await stat(dest)).mode & 0o777, 0o755);
  assert.equal((await stat(path.join(dest, 'empty'))).mode & 0o777, 0o755);
  assert.ok((await lstat(path.join(dest, 'lib/index-link.js'))).isSymbolicLink());
  assert.equal(await readlink(path.join(dest, 'lib/index-link.js')), '../index.js');
  assert.equal(await readFile(path.join(dest, 'lib/deep/up/index-link.js'), 'utf8'), 'exports.handler = async () => 1;\n');
  assert.deepEqual((await readdir(path.dirname(dest))).sort(), ['code']);
});

test('an empty zip unpacks to an empty directory', async () => {
  const { dest } = await freshDest();
  const result = await unpackZip(await makeZip(() => undefined), dest, SMALL);
  assert.deepEqual(result, { dir: dest, files: 0, unzippedBytes: 0 });
  assert.deepEqual(await readdir(dest), []);
});

test('names are normalised: ./, //, Windows backslashes, a root entry', async () => {
  let zip = await makeZip((z) => {
    z.addEmptyDirectory('./');
    z.addBuffer(Buffer.from('a'), './src//a.js');
    z.addBuffer(Buffer.from('b'), 'win_dir_b.js');
  });
  zip = rename(zip, 'win_dir_b.js', 'win\\dir\\b.js');
  const { dest } = await freshDest();
  await unpackZip(zip, dest, SMALL);
  assert.deepEqual((await readdir(dest)).sort(), ['src', 'win']);
  assert.equal(await readFile(path.join(dest, 'src/a.js'), 'utf8'), 'a');
  assert.equal(await readFile(path.join(dest, 'win/dir/b.js'), 'utf8'), 'b');
});

test('refuses a zip over the zipped limit', async () => {
  const zip = await makeZip((z) => z.addBuffer(Buffer.alloc(2000, 7), 'x', { compress: false }));
  await refused(zip, { ...SMALL, maxZippedBytes: 1000 }, 'Zipped size must be smaller than 1000 bytes');
});

test('refuses bytes that are not a zip', async () => {
  await refused(Buffer.from('definitely not a zip file, just text'), SMALL, new RegExp(`^${escape(COULD_NOT_UNZIP)}`));
  await refused(Buffer.alloc(0), SMALL, new RegExp(`^${escape(COULD_NOT_UNZIP)}`));
});

test('refuses truncated archives', async () => {
  const zip = await makeZip((z) => {
    z.addBuffer(Buffer.from('hello'.repeat(100)), 'a.txt');
    z.addBuffer(Buffer.from('world'.repeat(100)), 'b.txt');
  });
  await refused(zip.subarray(0, zip.length - 10), SMALL, new RegExp(`^${escape(COULD_NOT_UNZIP)}`));
  await refused(zip.subarray(0, Math.floor(zip.length / 2)), SMALL, new RegExp(`^${escape(COULD_NOT_UNZIP)}`));
});

test('refuses an entry whose data does not match its CRC-32', async () => {
  const zip = await makeZip((z) => z.addBuffer(Buffer.from('hello world, stored'), 'a.txt', { compress: false }));
  const at = zip.indexOf('hello world');
  zip[at] = 'j'.charCodeAt(0);
  await refused(zip, SMALL, `${COULD_NOT_UNZIP} (entry 'a.txt': CRC-32 mismatch)`);
});

test('refuses corrupt deflate data', async () => {
  const zip = await makeZip((z) => z.addBuffer(Buffer.from('some text that compresses '.repeat(50)), 'a.txt'));
  const dataStart = 30 + 'a.txt'.length; // first local header, no extra field from addBuffer
  for (let i = dataStart; i < dataStart + 12; i++) zip[i] = 0xff;
  await refused(zip, SMALL, new RegExp(`^${escape(COULD_NOT_UNZIP)} \\(entry 'a.txt': `));
});

test('refuses entries outside the code directory, naming them', async () => {
  const cases: [string, string][] = [
    ['XX/evil', '../evil'],
    ['a/XX/XX/b', 'a/../../b'],
    ['Xetc/passwd', '/etc/passwd'],
    ['XXx', 'C:x'],
    ['XX_evil', '..\\evil'],
  ];
  for (const [placeholder, name] of cases) {
    const zip = rename(await makeZip((z) => z.addBuffer(Buffer.from('x'), placeholder)), placeholder, name);
    await refused(zip, SMALL, `Code.ZipFile: entry '${name}' is outside the code directory`);
  }
});

test('refuses symlinks that leave the tree, naming them', async () => {
  await refused(
    await makeZip((z) => link(z, 'sub/passwd', '../../etc/passwd')),
    SMALL,
    "Code.ZipFile: entry 'sub/passwd' is a symlink to '../../etc/passwd', outside the code directory",
  );
  await refused(
    await makeZip((z) => link(z, 'passwd', '/etc/passwd')),
    SMALL,
    "Code.ZipFile: entry 'passwd' is a symlink to '/etc/passwd', outside the code directory",
  );
  // Looks inside lexically, but `here` is the root, so here/../x is above it.
  await refused(
    await makeZip((z) => {
      link(z, 'here', '.');
      link(z, 'sneaky', 'here/../x');
    }),
    SMALL,
    "Code.ZipFile: entry 'sneaky' is a symlink to 'here/../x', outside the code directory",
  );
  await refused(
    await makeZip((z) => {
      link(z, 'a', 'b');
      link(z, 'b', 'a');
    }),
    SMALL,
    /^Code\.ZipFile: entry 'a' is a symlink to 'b' that never resolves/,
  );
});

test('refuses entries written through a symlink or a file', async () => {
  await refused(
    await makeZip((z) => {
      link(z, 'lnk', 'sub');
      z.addEmptyDirectory('sub');
      z.addBuffer(Buffer.from('x'), 'lnk/evil.js');
    }),
    SMALL,
    "Code.ZipFile: entry 'lnk/evil.js' is inside symlink 'lnk'",
  );
  await refused(
    await makeZip((z) => {
      z.addBuffer(Buffer.from('x'), 'a');
      z.addBuffer(Buffer.from('y'), 'a/b');
    }),
    SMALL,
    "Code.ZipFile: entry 'a/b' is inside file 'a'",
  );
});

test('refuses duplicate names but accepts a repeated directory', async () => {
  await refused(
    await makeZip((z) => {
      z.addBuffer(Buffer.from('1'), 'index.js');
      z.addBuffer(Buffer.from('2'), './index.js');
    }),
    SMALL,
    "Code.ZipFile: entry './index.js' appears more than once",
  );
  const { dest } = await freshDest();
  await unpackZip(await makeZip((z) => { z.addEmptyDirectory('d'); z.addEmptyDirectory('./d'); }), dest, SMALL);
  assert.deepEqual(await readdir(dest), ['d']);
});

test('refuses device and fifo entries', async () => {
  const zip = await makeZip((z) => z.addBuffer(Buffer.alloc(0), 'pipe', { mode: 0o010644 }));
  await refused(zip, SMALL, "Code.ZipFile: entry 'pipe' is not a regular file, directory or symlink");
});

test('refuses too many entries', async () => {
  const zip = await makeZip((z) => ['a', 'b', 'c'].forEach((n) => z.addBuffer(Buffer.from(n), n)));
  await refused(zip, { ...SMALL, maxEntries: 2 }, 'Code.ZipFile: the archive has 3 entries; at most 2 are allowed');
});

test('the unzipped limit counts every entry; exactly the limit is allowed', async () => {
  const zip = await makeZip((z) => {
    z.addBuffer(Buffer.alloc(600, 1), 'a');
    z.addBuffer(Buffer.alloc(400, 2), 'b');
  });
  await refused(zip, { ...SMALL, maxUnzippedBytes: 999 }, 'Unzipped size must be smaller than 999 bytes');
  const { dest } = await freshDest();
  assert.equal((await unpackZip(zip, dest, { ...SMALL, maxUnzippedBytes: 1000 })).unzippedBytes, 1000);
});

test('refuses a 300 MB zip bomb under the Lambda limits without writing it', async () => {
  const zip = await makeZip((z) => z.addReadStream(zeros(300 * 1024 * 1024), 'bomb.bin'));
  assert.ok(zip.length < 1024 * 1024, 'the bomb is small');
  await refused(zip, LAMBDA_ZIP_LIMITS, 'Unzipped size must be smaller than 262144000 bytes');
});

test('refuses a bomb whose central directory understates its size', async () => {
  const zip = await makeZip((z) => z.addReadStream(zeros(4 * 1024 * 1024), 'bomb.bin'));
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(10, central + 24); // uncompressed size: 10 bytes
  await refused(zip, SMALL, new RegExp(`^${escape(COULD_NOT_UNZIP)} \\(entry 'bomb.bin': too many bytes`));
});

test('the byte budget throws as soon as it is exceeded', () => {
  const budget = new ByteBudget(10);
  budget.take(4);
  budget.take(6);
  assert.equal(budget.used, 10);
  assert.throws(() => budget.take(1), { message: 'Unzipped size must be smaller than 10 bytes' });
});

test('refuses to unpack over an existing directory and leaves it alone', async () => {
  const { parent, dest } = await freshDest();
  await mkdir(dest);
  await writeFile(path.join(dest, 'keep'), 'k');
  const zip = await makeZip((z) => z.addBuffer(Buffer.from('x'), 'x'));
  await assert.rejects(unpackZip(zip, dest, SMALL), { code: 'EEXIST' });
  assert.deepEqual(await readdir(parent), ['code']);
  assert.deepEqual(await readdir(dest), ['keep']);
});

test('the portable CRC-32 agrees with zlib', () => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
  const zlibCrc = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
  if (zlibCrc) assert.equal(crc32Portable(data.subarray(100), crc32Portable(data.subarray(0, 100))), zlibCrc(data));
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
