import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { NimbusError } from '../../src/errors.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { telemetryFileOf } from '../../src/store/sqlite/telemetry/database.js';
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

test('log lines and usage records an older build kept in the main database move to the telemetry database, once', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-telemetry-move-'));
  const file = path.join(dir, 'nimbus.db');
  try {
    // An older build wrote these tables in nimbus.db itself.
    const old = openDatabase(file);
    old.prepare(`INSERT INTO log_events (account, region, log_group, log_stream, timestamp, request_id, message)
      VALUES ('000000000000', 'us-east-1', '/aws/lambda/f', 's', 1000, 'r1', 'line from before')`).run();
    old.prepare(`INSERT INTO usage_records (account, region, function, request_id, version, qualifier, trigger, architecture, start_ms,
      duration_ms, billed_ms, memory_mb, max_memory_mb, init_ms, start_type, outcome, request_bytes, response_bytes)
      VALUES ('000000000000', 'us-east-1', 'f', 'r1', '$LATEST', NULL, 'sync', 'x86_64', 1000, 1.5, 2, 128, 40, NULL, 'warm', 'success', 2, 2)`).run();
    old.close();

    const scope = { account: '000000000000', region: 'us-east-1' };
    for (let open = 0; open < 2; open++) {
      const store = createSqliteStore(file);
      try {
        if (open === 0) await store.logs.append([{ ...scope, logGroup: '/aws/lambda/f', logStream: 's', timestamp: 2000, requestId: 'r2', message: 'line from now' }]);
        const lines = await store.logs.query({ ...scope, logGroup: '/aws/lambda/f', limit: 10 });
        assert.deepEqual(lines.map((l) => [l.id, l.message]), [[1, 'line from before'], [2, 'line from now']]);
        const usage = await store.usage.list({ ...scope, limit: 10 });
        assert.deepEqual(usage.map((u) => u.requestId), ['r1']);
      } finally {
        await store.close();
      }
    }
    assert.ok(existsSync(telemetryFileOf(file)));
    const main = openDatabase(file);
    try {
      assert.equal((main.prepare('SELECT COUNT(*) AS n FROM log_events').get() as { n: number }).n, 0, 'the main database keeps no log lines');
    } finally {
      main.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failing telemetry call is rejected with the store\'s error and later calls still work', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-telemetry-error-'));
  const store = createSqliteStore(path.join(dir, 'nimbus.db'));
  try {
    const scope = { account: '000000000000', region: 'us-east-1' };
    // A message without its NOT NULL text: SQLite refuses the batch, in the worker.
    await assert.rejects(store.logs.append([{ ...scope, logGroup: 'g', logStream: 's', timestamp: 1, requestId: undefined, message: null as unknown as string }]), /NOT NULL/);
    await store.logs.append([{ ...scope, logGroup: 'g', logStream: 's', timestamp: 1, requestId: undefined, message: 'ok' }]);
    assert.deepEqual((await store.logs.query({ ...scope, logGroup: 'g', limit: 10 })).map((l) => l.message), ['ok']);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
