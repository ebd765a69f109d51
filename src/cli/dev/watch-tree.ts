// Watches a directory tree (node:fs watch, recursive) and calls back once per burst of
// changes: editors write a file in several steps (truncate, write, rename), and one
// save should be one reload.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

const IGNORED_DIRS = new Set(['.git', 'node_modules', '.nimbus']);
export const DEBOUNCE_MS = 25;

export interface TreeWatch {
  close(): void;
}

function ignored(relative: string, extra: readonly string[]): boolean {
  const parts = relative.split(path.sep);
  if (parts.some((p) => IGNORED_DIRS.has(p))) return true;
  return extra.some((dir) => relative === dir || relative.startsWith(dir + path.sep));
}

/**
 * `onChange` gets the changed paths (relative to `root`) of one burst; it is not called
 * again until its promise settles, so reloads never overlap (later changes queue up).
 * `ignore` lists further dirs (relative) to leave out, such as the dev data dir.
 * `onError` hears of a watch that stopped working.
 */
export function watchTree(root: string, ignore: readonly string[], onError: (err: Error) => void, onChange: (paths: string[]) => Promise<void>): TreeWatch {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const flush = async (): Promise<void> => {
    timer = undefined;
    if (running || pending.size === 0) return;
    const batch = [...pending];
    pending = new Set();
    running = true;
    try {
      await onChange(batch);
    } finally {
      running = false;
      if (pending.size > 0) timer ??= setTimeout(() => void flush(), DEBOUNCE_MS);
    }
  };
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, file) => {
    if (file === null || ignored(file, ignore)) return;
    pending.add(file);
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void flush(), DEBOUNCE_MS);
  });
  // The directory was removed or became unreadable: say so rather than crash the platform.
  watcher.on('error', onError);
  return {
    close() {
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}
