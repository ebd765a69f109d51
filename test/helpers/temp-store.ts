// A real SQLite store in a temporary directory, opened before and removed after the
// enclosing suite, for tests of parts that sit on the store without a server.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

export function useTempStore(): { readonly store: Store } {
  let dir: string | undefined;
  let store: Store | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-store-'));
    store = createSqliteStore(path.join(dir, 'nimbus.db'));
  });
  after(async () => {
    await store?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get store(): Store {
      if (!store) throw new Error('the store opens in before()');
      return store;
    },
  };
}
