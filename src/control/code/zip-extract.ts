// Writes a checked plan into a fresh directory. Nothing here decides what is allowed;
// zip-names and zip-tree did that before the first byte is written.
import { chmod, mkdir, open, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { ZipFile } from 'yauzl';
import type { ArchiveEntry } from './zip-names.js';
import { entryChunks, type ByteBudget } from './zip-read.js';
import type { ExtractionPlan } from './zip-tree.js';

async function writeEntry(zipfile: ZipFile, file: ArchiveEntry, target: string, budget: ByteBudget): Promise<void> {
  const handle = await open(target, 'wx', file.mode);
  try {
    for await (const chunk of entryChunks(zipfile, file.entry, file.name, budget)) {
      for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset)).bytesWritten;
    }
    await handle.chmod(file.mode); // open()'s mode passes through the umask
  } finally {
    await handle.close();
  }
}

/**
 * Creates the tree under `root` (which exists and is empty) and returns every path
 * written that needs an fsync: files, then directories deepest first, then root.
 */
export async function writeTree(
  root: string,
  zipfile: ZipFile,
  plan: ExtractionPlan,
  linkTargets: ReadonlyMap<string, string>,
  budget: ByteBudget,
): Promise<string[]> {
  const dirs = [root, ...plan.dirs.map((d) => path.join(root, d))];
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755); // mkdtemp makes 0700, mkdir passes through the umask
  }
  const files: string[] = [];
  for (const file of plan.files) {
    const target = path.join(root, file.path);
    await writeEntry(zipfile, file, target, budget);
    files.push(target);
  }
  // Links last: nothing is ever written through them (planTree guarantees it anyway).
  for (const link of plan.symlinks) await symlink(linkTargets.get(link.path) ?? '', path.join(root, link.path));
  return [...files, ...dirs.reverse()];
}
