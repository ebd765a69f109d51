// A SQLite store in a fresh temp dir, for the store contract suites: reopen() closes and
// opens the same file (durability), cleanup() removes it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { StoreFixture } from '../store/store-contract.js';

export async function openSqliteFixture(prefix: string): Promise<StoreFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'nimbus.db');
  let store = createSqliteStore(file);
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = createSqliteStore(file);
      return store;
    },
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
