// Bytes of an unpacked code tree: Lambda's 250 MB limit counts function code and its layers
// unzipped, together.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeSize(p);
    else total += (await lstat(p)).size;
  }
  return total;
}
