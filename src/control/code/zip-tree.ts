// The shape of the tree an archive describes, checked before anything is written:
// no duplicates, no entry under a file or symlink (writing through a symlink is the
// classic zip-slip), and every symlink resolving inside the tree.
import { badEntry } from './zip-errors.js';
import type { ArchiveEntry } from './zip-names.js';

export interface ExtractionPlan {
  /** Every directory to create, explicit or implied, parents before children. */
  readonly dirs: readonly string[];
  readonly files: readonly ArchiveEntry[];
  readonly symlinks: readonly ArchiveEntry[];
}

/** Linux gives up after 40 links in one lookup (ELOOP); so does the check. */
const MAX_LINK_HOPS = 40;

export function planTree(entries: readonly ArchiveEntry[]): ExtractionPlan {
  const byPath = new Map<string, ArchiveEntry>();
  for (const entry of entries) {
    if (entry.path === '') continue; // './' names the root itself
    const seen = byPath.get(entry.path);
    if (seen === undefined) byPath.set(entry.path, entry);
    else if (seen.kind !== 'dir' || entry.kind !== 'dir') {
      // Archivers that append leave duplicates; which copy wins differs between
      // tools, so the archive is refused rather than guessed at.
      throw badEntry(entry.name, seen.kind === entry.kind ? 'appears more than once' : `clashes with entry '${seen.name}'`);
    }
  }
  const dirs = new Set<string>();
  for (const entry of byPath.values()) {
    if (entry.kind === 'dir') dirs.add(entry.path);
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (dirs.has(parent)) continue;
      const holder = byPath.get(parent);
      if (holder !== undefined && holder.kind !== 'dir') throw badEntry(entry.name, `is inside ${holder.kind} '${holder.name}'`);
      dirs.add(parent);
    }
  }
  const all = [...byPath.values()];
  return {
    dirs: [...dirs].sort(),
    files: all.filter((e) => e.kind === 'file'),
    symlinks: all.filter((e) => e.kind === 'symlink'),
  };
}

type Resolution = 'inside' | 'outside' | 'loop';

/**
 * Follows the link at `linkPath` through the archive's own links, the way the
 * kernel would once extracted. Lexical normalisation alone is not enough: with
 * `a -> .`, the target `a/../x` leaves the tree although it looks inside.
 */
function resolveLink(linkPath: string, targets: ReadonlyMap<string, string>): Resolution {
  const stack = linkPath.split('/').slice(0, -1); // real directories: planTree allows no entry under a link
  let pending = (targets.get(linkPath) ?? '').split('/');
  if (pending[0] === '') return 'outside'; // absolute target
  let hops = 0;
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.pop() === undefined) return 'outside';
      continue;
    }
    const next = targets.get([...stack, part].join('/'));
    if (next === undefined) {
      stack.push(part);
      continue;
    }
    if (++hops > MAX_LINK_HOPS) return 'loop';
    if (next.startsWith('/')) return 'outside';
    pending = [...next.split('/'), ...pending];
  }
  return 'inside';
}

/** Refuses absolute targets, targets that resolve outside the tree and link loops. */
export function checkSymlinks(symlinks: readonly ArchiveEntry[], targets: ReadonlyMap<string, string>): void {
  for (const link of symlinks) {
    const target = targets.get(link.path) ?? '';
    const verdict = resolveLink(link.path, targets);
    if (verdict === 'outside') throw badEntry(link.name, `is a symlink to '${target}', outside the code directory`);
    if (verdict === 'loop') throw badEntry(link.name, `is a symlink to '${target}' that never resolves (a loop or more than ${MAX_LINK_HOPS} links)`);
  }
}
