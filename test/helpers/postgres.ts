// PostgreSQL for tests: the server at NIMBUS_TEST_POSTGRES_URL (default: the local one on
// 127.0.0.1:5432, trust auth, database `test`). Tests that need it skip with a printed
// reason when it is not answering, except under CI=true, where .ci/run starts it and a
// skip would hide a failure. Each fixture gets a fresh schema, dropped on cleanup.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/ports.js';
import type { StoreFixture } from '../store/store-contract.js';

export const TEST_POSTGRES_URL = process.env.NIMBUS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let probed: Promise<string | undefined> | undefined;

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${TEST_POSTGRES_URL} is not answering (${(err as Error).message}); start it or set NIMBUS_TEST_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `false` when PostgreSQL answers, else the reason to skip (outside CI) — under CI it throws. */
export async function requirePostgres(): Promise<string | false> {
  const reason = await (probed ??= probe());
  if (reason === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}

/** A schema name no other test uses. */
export function freshSchema(prefix = 'nimbus_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL store in a fresh schema, for the store contract suites. */
export async function openPostgresFixture(): Promise<StoreFixture> {
  const schema = freshSchema();
  let store = await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 });
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 });
      return store;
    },
    async cleanup() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

/** `count` stores on one fresh schema, as that many cluster nodes would open it (one pool each). */
export async function openPostgresNodes(count: number): Promise<{ readonly nodes: readonly Store[]; cleanup(): Promise<void> }> {
  const schema = freshSchema();
  const nodes: Store[] = [];
  // One after another: the first migrates, the others find the schema ready.
  for (let i = 0; i < count; i++) nodes.push(await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 }));
  return {
    nodes,
    async cleanup() {
      await Promise.all(nodes.map((n) => n.close()));
      await dropSchema(schema);
    },
  };
}
