// Just enough durability for "extract, fsync, rename": a crash leaves either no
// code directory or a complete one, never a half-written tree under the final name.
import { lstat, open, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * fsyncs files and directories, several at once: concurrent fsyncs share journal
 * commits on ext4/xfs, which makes a tree of thousands of files bearable.
 */
export async function syncAll(paths: readonly string[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) {
      const handle = await open(paths[i] as string, 'r'); // Linux fsyncs through a read-only descriptor, directories included
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
}

export async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** An Error with `code: 'EEXIST'`, like node's own, so callers can treat a lost race as done. */
export function destinationExists(dir: string): Error {
  return Object.assign(new Error(`EEXIST: ${dir} exists already`), { code: 'EEXIST' });
}

/**
 * Moves a finished directory to its final name and makes the rename durable.
 * rename(2) would silently replace an empty directory, hence the check first.
 */
export async function commitDir(tmp: string, dest: string): Promise<void> {
  if (await exists(dest)) throw destinationExists(dest);
  try {
    await rename(tmp, dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw destinationExists(dest);
    throw err;
  }
  await syncAll([path.dirname(dest)]);
}
