import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { NimbusError } from '../../src/errors.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { scheduleContract } from './schedule-contract.js';
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { storeContract } from './store-contract.js';

const openFixture = (): ReturnType<typeof openSqliteFixture> => openSqliteFixture('nimbus-store-');

storeContract('sqlite', openFixture);
scheduleContract('sqlite', openFixture);

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
