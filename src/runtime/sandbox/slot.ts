// A sandbox's slot: an empty host directory made visible to the guest (read-only) when
// the sandbox starts, and filled with the function's code when it is assigned
// (sandbox-notes §4, "How (c) works"). Files are hardlinked from the code cache (same
// filesystem: both live under the data dir), or copied when linking is impossible.
import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';

export interface FillOptions {
  /**
   * The guest runs as another uid: a file that others cannot read is copied with o+r
   * instead of linked (a hardlink shares the inode, hence the mode, with the cache).
   */
  readonly othersMustRead: boolean;
}

export interface FillStats {
  linked: number;
  copied: number;
  skippedSymlinks: number;
}

const LINK_FALLBACK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'EACCES']);

export function insideRoot(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function placeFile(src: string, dest: string, st: Stats, options: FillOptions, stats: FillStats): Promise<void> {
  const readable = (st.mode & 0o004) !== 0;
  if (readable || !options.othersMustRead) {
    try {
      await fs.link(src, dest);
      stats.linked++;
      return;
    } catch (e) {
      if (!LINK_FALLBACK.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
  await fs.copyFile(src, dest);
  await fs.chmod(dest, (st.mode & 0o777) | 0o444 | ((st.mode & 0o100) !== 0 ? 0o111 : 0));
  stats.copied++;
}

async function fillDir(srcRoot: string, destRoot: string, rel: string, options: FillOptions, stats: FillStats): Promise<void> {
  const srcDir = path.join(srcRoot, rel);
  const entries = await fs.readdir(srcDir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const childRel = path.join(rel, entry.name);
      const src = path.join(srcRoot, childRel);
      const dest = path.join(destRoot, childRel);
      if (entry.isDirectory()) {
        await fs.mkdir(dest, { mode: 0o755 });
        await fs.chmod(dest, 0o755); // mkdir is subject to the umask
        await fillDir(srcRoot, destRoot, childRel, options, stats);
      } else if (entry.isFile()) {
        await placeFile(src, dest, await fs.stat(src), options, stats);
      } else if (entry.isSymbolicLink()) {
        // Kept only when it points inside the code: otherwise it would read host files
        // through the process driver's permission model (sandbox-notes §1).
        const target = await fs.readlink(src);
        if (insideRoot(destRoot, path.resolve(path.dirname(dest), target))) await fs.symlink(target, dest);
        else stats.skippedSymlinks++;
      }
      // sockets, fifos, devices: never part of code
    }),
  );
}

/** Fills an (empty) slot with the code in codeDir. */
export async function fillSlot(codeDir: string, slotDir: string, options: FillOptions): Promise<FillStats> {
  const stats: FillStats = { linked: 0, copied: 0, skippedSymlinks: 0 };
  await fillDir(codeDir, slotDir, '', options, stats);
  return stats;
}

/** Creates an empty world-readable directory (the guest may run as another uid). */
export async function makeDir(dir: string, mode = 0o755): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode });
  await fs.chmod(dir, mode);
}

/** Removes a slot or tmp dir; never follows symlinks. */
export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
