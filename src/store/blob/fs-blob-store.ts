// A content-addressed BlobStore in a directory: <dir>/<first two hex>/<sha256 hex>.
// Writes go to a temp file that is fsynced and renamed into place, then the directory
// is fsynced, so after a crash a blob is either whole or absent.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../ports.js';

const KEY = /^[0-9a-f]{64}$/;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(file: string, bytes: Buffer): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

export function createFsBlobStore(root: string): BlobStore {
  const pathOf = (key: string): string => {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    async put(bytes) {
      const key = createHash('sha256').update(bytes).digest('hex');
      const file = pathOf(key);
      const exists = await stat(file).then((s) => s.size === bytes.length, () => false);
      if (!exists) await writeFileAtomic(file, bytes);
      return key;
    },
    async get(key) {
      return readFile(pathOf(key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
    },
    async has(key) {
      return stat(pathOf(key)).then(() => true, () => false);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async keys() {
      const shards = await readdir(root).catch(() => [] as string[]);
      const all = await Promise.all(shards.map((s) => readdir(path.join(root, s)).catch(() => [] as string[])));
      return all.flat().filter((k) => KEY.test(k));
    },
  };
}
