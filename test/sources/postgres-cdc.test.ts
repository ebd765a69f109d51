// The postgres-cdc source against the real PostgreSQL (wal_level = logical): row changes as
// DynamoDB Streams records for each view type, commit order, the slot as checkpoint across
// a reopen, release, one reader per slot, clean-up by forget, config errors. Every run uses
// a fresh schema and fresh mapping ids; slots are dropped even when a test fails, since a
// leaked slot keeps WAL on the server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { isNimbusError } from '../../src/errors.js';
import { postgresCdcSource } from '../../src/triggers/sources/postgres-cdc.js';
import type { PostgresCdcConfig } from '../../src/triggers/sources/postgres-cdc-config.js';
import type { DynamoDbStreamRecord } from '../../src/triggers/sources/postgres-cdc-records.js';
import type { SourceContext, SourceReader, SourceRecord } from '../../src/triggers/sources/source-plugin.js';
import { freshSchema, requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';

const skip = await requirePostgres();
const schema = freshSchema('nimbus_cdc');
const db = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });
const mappings: { config: PostgresCdcConfig; context: SourceContext }[] = [];
const readers: SourceReader[] = [];

before(async () => {
  if (skip) return;
  const { rows } = await db.query<{ wal_level: string }>('SHOW wal_level');
  assert.equal(rows[0]?.wal_level, 'logical', 'PostgreSQL must run with wal_level = logical for these tests');
  await db.query(`CREATE SCHEMA ${schema}`);
  // full: REPLICA IDENTITY FULL (whole old rows); plain: the default identity (old rows by key only).
  for (const table of ['full', 'plain', 'orders']) {
    await db.query(`CREATE TABLE ${schema}.${table} (id int PRIMARY KEY, name text, price numeric, active boolean, doc jsonb, data bytea)`);
  }
  await db.query(`ALTER TABLE ${schema}.full REPLICA IDENTITY FULL`);
});

/** Closes the readers and drops the slots and publications made so far (the server has only a few slots). */
async function cleanUp(): Promise<void> {
  for (const reader of readers.splice(0)) await reader.close();
  for (const { config, context } of mappings.splice(0)) await postgresCdcSource.forget!(config, context).catch(() => undefined);
}

after(async () => {
  if (!skip) {
    await cleanUp();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  await db.end();
});

function mapping(table: string, overrides: Record<string, unknown> = {}): { config: PostgresCdcConfig; context: SourceContext } {
  const config = postgresCdcSource.parseConfig({ url: TEST_POSTGRES_URL, tables: [`${schema}.${table}`], ...overrides });
  const entry = { config, context: { mappingId: randomUUID(), onError: (err: unknown) => assert.fail(err as Error) } };
  mappings.push(entry);
  return entry;
}

async function open(entry: { config: PostgresCdcConfig; context: SourceContext }): Promise<SourceReader> {
  const reader = await postgresCdcSource.open(entry.config, entry.context);
  readers.push(reader);
  return reader;
}

async function readAll(reader: SourceReader, count: number): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + 8000;
  while (out.length < count && Date.now() < deadline) out.push(...(await reader.read(count - out.length, 250, new AbortController().signal)));
  return out;
}

const stream = (records: readonly SourceRecord[]): DynamoDbStreamRecord[] => records.map((r) => r.payload as DynamoDbStreamRecord);
const names = (records: readonly SourceRecord[]): string[] => stream(records).map((r) => `${r.eventName}:${r.dynamodb.Keys.id ? (r.dynamodb.Keys.id as { N: string }).N : '?'}`);

/** Insert row 1, rename it, delete it: one transaction each. */
async function insertUpdateDelete(table: string): Promise<void> {
  await db.query(`INSERT INTO ${schema}.${table} (id, name, price, active) VALUES (1, 'old', 9.50, true)`);
  await db.query(`UPDATE ${schema}.${table} SET name = 'new' WHERE id = 1`);
  await db.query(`DELETE FROM ${schema}.${table} WHERE id = 1`);
}

/** A reader in its own process: reads three changes, acknowledges the first two, says so, then waits to be killed. */
const KILLED_READER = `
const { postgresCdcSource } = await import(${JSON.stringify(new URL('../../src/triggers/sources/postgres-cdc.js', import.meta.url).href)});
const config = JSON.parse(process.argv[1]);
const reader = await postgresCdcSource.open(config, { mappingId: process.argv[2], onError: (err) => { console.error(err); process.exit(3); } });
console.log('open');
const records = [];
while (records.length < 3) records.push(...await reader.read(3 - records.length, 500, new AbortController().signal));
await reader.ack(records.slice(0, 2));
console.log('acked');
setInterval(() => {}, 1000);
`;

const oldRow = { id: { N: '1' }, name: { S: 'old' }, price: { N: '9.50' }, active: { BOOL: true }, doc: { NULL: true }, data: { NULL: true } } as const;
const newRow = { ...oldRow, name: { S: 'new' } };

test('postgres-cdc source', { skip }, async (t) => {
  t.afterEach(cleanUp);
  const expectations = {
    KEYS_ONLY: [[undefined, undefined], [undefined, undefined], [undefined, undefined]],
    NEW_IMAGE: [[oldRow, undefined], [newRow, undefined], [undefined, undefined]],
    OLD_IMAGE: [[undefined, undefined], [undefined, oldRow], [undefined, newRow]],
    NEW_AND_OLD_IMAGES: [[oldRow, undefined], [newRow, oldRow], [undefined, newRow]],
  } as const;

  for (const [view, images] of Object.entries(expectations)) {
    await t.test(`INSERT, UPDATE, DELETE arrive as INSERT, MODIFY, REMOVE with the ${view} images`, async () => {
      await db.query(`TRUNCATE ${schema}.full`);
      const entry = mapping('full', { streamViewType: view });
      const reader = await open(entry);
      await insertUpdateDelete('full');
      const records = stream(await readAll(reader, 3));
      assert.deepEqual(records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
      records.forEach((record, i) => {
        assert.deepEqual(record.dynamodb.Keys, { id: { N: '1' } });
        assert.equal(record.dynamodb.StreamViewType, view);
        assert.deepEqual([record.dynamodb.NewImage, record.dynamodb.OldImage], images[i]);
      });
      await reader.close();
    });
  }

  await t.test('record shape: DynamoDB Streams fields, sortable sequence numbers, order key', async () => {
    const entry = mapping('orders');
    const reader = await open(entry);
    const before = Math.floor(Date.now() / 1000);
    await db.query(`INSERT INTO ${schema}.orders VALUES (7, 'x', -1.5e3, false, '{"a":[1,"two",null,true],"b":{"c":2}}', '\\x0001ff')`);
    const [record] = await readAll(reader, 1);
    const payload = record!.payload as DynamoDbStreamRecord;
    assert.equal(payload.eventVersion, '1.1');
    assert.equal(payload.eventSource, 'nimbus:postgres-cdc');
    assert.equal(payload.eventSourceArn, `arn:nimbus:postgres:::table/${schema}.orders`);
    assert.equal(payload.eventID, record!.id);
    assert.equal(payload.dynamodb.SequenceNumber, record!.id);
    assert.match(payload.dynamodb.SequenceNumber, /^\d{28}$/);
    assert.ok(payload.dynamodb.ApproximateCreationDateTime >= before - 1 && payload.dynamodb.ApproximateCreationDateTime <= Date.now() / 1000 + 1);
    assert.ok(payload.dynamodb.SizeBytes > 0);
    assert.deepEqual(payload.dynamodb.NewImage, {
      id: { N: '7' }, name: { S: 'x' }, price: { N: '-1500' }, active: { BOOL: false },
      doc: { M: { a: { L: [{ N: '1' }, { S: 'two' }, { NULL: true }, { BOOL: true }] }, b: { M: { c: { N: '2' } } } } },
      data: { B: Buffer.from([0, 1, 255]).toString('base64') },
    });
    assert.equal(record!.orderKey, `${schema}.orders:{"id":{"N":"7"}}`);
    assert.deepEqual(postgresCdcSource.event([record!], entry.config), { Records: [payload] });
    assert.equal(typeof (await reader.lag!()), 'number');
    await reader.ack([record!]);
    await reader.close();
  });

  await t.test('without REPLICA IDENTITY FULL the old image holds only the key columns', async () => {
    const reader = await open(mapping('plain'));
    await insertUpdateDelete('plain');
    const records = stream(await readAll(reader, 3));
    assert.deepEqual(records.map((r) => r.dynamodb.OldImage), [undefined, { id: { N: '1' } }, { id: { N: '1' } }]);
    assert.deepEqual(records[1]!.dynamodb.NewImage, newRow);
    await reader.close();
  });

  await t.test('changes come in commit order; a multi-row transaction keeps its order', async () => {
    await db.query(`TRUNCATE ${schema}.orders`);
    const reader = await open(mapping('orders'));
    const early = await db.connect();
    try {
      // Begun first, committed last: its changes come after the other transaction's.
      await early.query('BEGIN');
      await early.query(`INSERT INTO ${schema}.orders (id) VALUES (10)`);
      await db.query(`BEGIN; INSERT INTO ${schema}.orders (id) VALUES (3), (1), (2); UPDATE ${schema}.orders SET name = 'n' WHERE id = 3; DELETE FROM ${schema}.orders WHERE id = 1; COMMIT`);
      await early.query('COMMIT');
    } finally {
      early.release();
    }
    const records = await readAll(reader, 6);
    assert.deepEqual(names(records), ['INSERT:3', 'INSERT:1', 'INSERT:2', 'MODIFY:3', 'REMOVE:1', 'INSERT:10']);
    const sequence = records.map((r) => r.id);
    assert.deepEqual([...sequence].sort(), sequence);
    assert.equal(new Set(sequence).size, 6);
    await reader.close();
  });

  await t.test('release: the records are read again, in order, before later ones', async () => {
    await db.query(`TRUNCATE ${schema}.orders`);
    const reader = await open(mapping('orders'));
    await db.query(`INSERT INTO ${schema}.orders (id) VALUES (1), (2)`);
    const first = await readAll(reader, 2);
    assert.deepEqual(await reader.read(10, 100, new AbortController().signal), [], 'records in flight are not read twice');
    await db.query(`INSERT INTO ${schema}.orders (id) VALUES (3)`);
    await reader.release(first);
    const again = await readAll(reader, 3);
    assert.deepEqual(names(again), ['INSERT:1', 'INSERT:2', 'INSERT:3']);
    await reader.close();
  });

  await t.test('close without ack and reopen: unacknowledged changes come again, acknowledged ones do not', async () => {
    await db.query(`TRUNCATE ${schema}.orders`);
    const entry = mapping('orders');
    let reader = await open(entry);
    for (const id of [1, 2, 3, 4]) await db.query(`INSERT INTO ${schema}.orders (id) VALUES ($1)`, [id]);
    const records = await readAll(reader, 4);
    // 1 acknowledged; 3 too, but 2 before it is not, so the checkpoint stops after 1.
    await reader.ack([records[0]!, records[2]!]);
    await reader.close();
    await db.query(`INSERT INTO ${schema}.orders (id) VALUES (5)`);
    reader = await open(entry);
    const again = await readAll(reader, 4);
    assert.deepEqual(names(again), ['INSERT:2', 'INSERT:3', 'INSERT:4', 'INSERT:5']);
    assert.deepEqual(again.map((r) => r.id), records.slice(1).map((r) => r.id).concat(again[3]!.id), 'the same sequence numbers again');
    await reader.ack(again);
    await reader.close();
    reader = await open(entry);
    assert.deepEqual(await reader.read(10, 500, new AbortController().signal), [], 'all acknowledged: nothing comes again');
    await reader.close();
  });

  await t.test('kill -9 after an ack: the restarted reader resumes after the last acknowledged change', async () => {
    await db.query(`TRUNCATE ${schema}.orders`);
    const entry = mapping('orders');
    const child = spawn(process.execPath, ['--input-type=module', '-e', KILLED_READER, JSON.stringify(entry.config), entry.context.mappingId], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      assert.equal((await lines.next()).value, 'open');
      for (const id of [1, 2, 3]) await db.query(`INSERT INTO ${schema}.orders (id) VALUES ($1)`, [id]);
      assert.equal((await lines.next()).value, 'acked');
    } finally {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
    await db.query(`INSERT INTO ${schema}.orders (id) VALUES (4)`);
    const reader = await open(entry);
    assert.deepEqual(names(await readAll(reader, 2)), ['INSERT:3', 'INSERT:4']);
    assert.deepEqual(await reader.read(10, 300, new AbortController().signal), []);
    await reader.close();
  });

  await t.test('with nothing outstanding, the slot follows writes to other tables (WAL is not held)', async () => {
    const entry = mapping('orders');
    const reader = await open(entry);
    const slot = `nimbus_${entry.context.mappingId.replace(/-/g, '')}`;
    await db.query(`INSERT INTO ${schema}.plain (id) VALUES (100); DELETE FROM ${schema}.plain WHERE id = 100`);
    const { rows } = await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const caughtUp = async (): Promise<boolean> =>
      (await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND confirmed_flush_lsn >= $2::pg_lsn', [slot, rows[0]!.lsn])).rowCount === 1;
    const deadline = Date.now() + 8000;
    while (!(await caughtUp()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(await caughtUp(), 'confirmed_flush_lsn reached the WAL position after the unrelated writes');
    assert.deepEqual(await reader.read(10, 100, new AbortController().signal), []);
    await reader.close();
  });

  await t.test('a second reader of the same mapping is refused while the first is reading', async () => {
    const entry = mapping('orders');
    const reader = await open(entry);
    await assert.rejects(open(entry), /active/);
    await reader.close();
  });

  await t.test('forget drops the slot and the publication', async () => {
    const entry = mapping('orders');
    const reader = await open(entry);
    const slot = `nimbus_${entry.context.mappingId.replace(/-/g, '')}`;
    const count = async (): Promise<number[]> => [
      (await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount ?? 0,
      (await db.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [slot])).rowCount ?? 0,
    ];
    assert.deepEqual(await count(), [1, 1]);
    await reader.close();
    await postgresCdcSource.forget!(entry.config, entry.context);
    assert.deepEqual(await count(), [0, 0]);
  });

  await t.test('config errors name the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ tables: ['t'] }, /^url: /],
      [{ url: 'http://x', tables: ['t'] }, /^url: /],
      [{ url: TEST_POSTGRES_URL }, /^tables: /],
      [{ url: TEST_POSTGRES_URL, tables: ['t'], publication: 'p' }, /^tables: /],
      [{ url: TEST_POSTGRES_URL, tables: ['ok', 'a; DROP TABLE x'] }, /^tables.1: /],
      [{ url: TEST_POSTGRES_URL, publication: 'Bad-Name' }, /^publication: /],
      [{ url: TEST_POSTGRES_URL, tables: ['t'], streamViewType: 'ALL' }, /^streamViewType: /],
      [{ url: TEST_POSTGRES_URL, tables: ['t'], slot: 'Upper' }, /^slot: /],
      [{ url: TEST_POSTGRES_URL, tables: ['t'], startingPosition: 'TRIM_HORIZON' }, /^startingPosition: /],
      [{ url: TEST_POSTGRES_URL, tables: ['t'], batch: 1 }, /batch/],
    ];
    for (const [raw, message] of cases) {
      assert.throws(() => postgresCdcSource.parseConfig(raw), (err) => isNimbusError(err) && err.code === 'InvalidParameterValueException' && message.test(err.message), JSON.stringify(raw));
    }
    const config = postgresCdcSource.parseConfig({ url: TEST_POSTGRES_URL, tables: ['public.t'] });
    assert.equal(config.streamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal(config.startingPosition, 'LATEST');
  });
});
