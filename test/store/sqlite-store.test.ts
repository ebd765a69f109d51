import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { NimbusError } from '../../src/errors.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { scheduleContract } from './schedule-contract.js';
import { storeContract, type StoreFixture } from './store-contract.js';

async function openSqliteFixture(): Promise<StoreFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-store-'));
  const file = path.join(dir, 'nimbus.db');
  let store = createSqliteStore(file);
  return {
    store,
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

storeContract('sqlite', openSqliteFixture);
scheduleContract('sqlite', openSqliteFixture);

test('a second open of the same SQLite file is refused with DataDirLocked', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-lock-'));
  const first = createSqliteStore(path.join(dir, 'nimbus.db'));
  try {
    assert.throws(() => createSqliteStore(path.join(dir, 'nimbus.db')), (err: unknown) => err instanceof NimbusError && err.code === 'DataDirLocked');
  } finally {
    await first.close();
    await rm(dir, { recursive: true, force: true });
  }
});
