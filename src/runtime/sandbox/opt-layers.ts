// A function's layers, stacked into the sandbox's /opt when it is assigned (Lambda extracts
// them there in order; a file of a later layer replaces the same path of an earlier one).
// Files are hardlinked from the code cache like the slot's (slot.ts), so a cold start with
// layers costs links, not copies.
import fs from 'node:fs/promises';
import path from 'node:path';
import { insideRoot, placeFile } from './slot.js';
import type { FillOptions, FillStats } from './slot.js';

async function ensureDir(dest: string): Promise<void> {
  const existing = await fs.lstat(dest).catch(() => undefined);
  if (existing?.isDirectory()) return;
  if (existing) await fs.rm(dest, { force: true });
  await fs.mkdir(dest, { mode: 0o755 });
  await fs.chmod(dest, 0o755);
}

async function mergeDir(srcRoot: string, destRoot: string, rel: string, options: FillOptions, stats: FillStats): Promise<void> {
  for (const entry of await fs.readdir(path.join(srcRoot, rel), { withFileTypes: true })) {
    const childRel = path.join(rel, entry.name);
    const src = path.join(srcRoot, childRel);
    const dest = path.join(destRoot, childRel);
    if (entry.isDirectory()) {
      await ensureDir(dest);
      await mergeDir(srcRoot, destRoot, childRel, options, stats);
      continue;
    }
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    await fs.rm(dest, { recursive: true, force: true });
    if (entry.isFile()) {
      await placeFile(src, dest, await fs.stat(src), options, stats);
    } else {
      const target = await fs.readlink(src);
      if (insideRoot(destRoot, path.resolve(path.dirname(dest), target))) await fs.symlink(target, dest);
      else stats.skippedSymlinks++;
    }
  }
}

export async function stackLayers(layerDirs: readonly string[], optDir: string, options: FillOptions): Promise<FillStats> {
  const stats: FillStats = { linked: 0, copied: 0, skippedSymlinks: 0 };
  for (const dir of layerDirs) await mergeDir(dir, optDir, '', options, stats);
  return stats;
}
