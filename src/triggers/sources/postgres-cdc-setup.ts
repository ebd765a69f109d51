// The server-side objects a `postgres-cdc` mapping reads through: a publication naming the
// tables (unless the user brought their own) and a logical replication slot (pgoutput)
// that remembers how far the mapping has confirmed. Both are created on first open and
// dropped when the mapping is deleted: a forgotten slot keeps WAL on the server forever.
import pg from 'pg';
import type { PostgresCdcConfig, PostgresTableName } from './postgres-cdc-config.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** `nimbus_<mapping id without dashes>`: a valid slot and publication name for a UUID. */
export function mappingObjectName(mappingId: string): string {
  return `nimbus_${mappingId.toLowerCase().replace(/[^a-z0-9_]/g, '')}`;
}

export function slotName(config: PostgresCdcConfig, mappingId: string): string {
  return config.slot ?? mappingObjectName(mappingId);
}

export function publicationName(config: PostgresCdcConfig, mappingId: string): string {
  return config.publication ?? mappingObjectName(mappingId);
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a dropped connection fails the query in flight; nothing else to do
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function requireLogicalWal(client: Queryable): Promise<void> {
  const { rows } = await client.query<{ wal_level: string }>('SHOW wal_level');
  const level = rows[0]?.wal_level;
  if (level !== 'logical') throw new Error(`postgres-cdc needs wal_level = logical on the PostgreSQL server (it is '${level}'): set it in postgresql.conf and restart the server`);
}

function quotedTable(client: pg.Client, name: PostgresTableName): string {
  const table = client.escapeIdentifier(name.table);
  return name.schema === undefined ? table : `${client.escapeIdentifier(name.schema)}.${table}`;
}

const DUPLICATE_OBJECT = '42710';

async function ensurePublication(client: pg.Client, config: PostgresCdcConfig, name: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
  if (config.tables === undefined) {
    if (rowCount === 0) throw new Error(`publication '${name}' does not exist in this database (create it, or give tables instead)`);
    return;
  }
  // Names were checked against identifier shapes in parseConfig and are quoted here: DDL takes no parameters.
  const tables = config.tables.map((table) => quotedTable(client, table)).join(', ');
  const publication = client.escapeIdentifier(name);
  if (rowCount !== 0) {
    await client.query(`ALTER PUBLICATION ${publication} SET TABLE ${tables}`);
    return;
  }
  try {
    await client.query(`CREATE PUBLICATION ${publication} FOR TABLE ${tables}`);
  } catch (err) {
    if ((err as { code?: string }).code !== DUPLICATE_OBJECT) throw err;
    await client.query(`ALTER PUBLICATION ${publication} SET TABLE ${tables}`);
  }
}

async function ensureSlot(client: pg.Client, slot: string): Promise<void> {
  const { rows } = await client.query<{ plugin: string | null }>('SELECT plugin FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  const existing = rows[0];
  if (existing !== undefined) {
    if (existing.plugin !== 'pgoutput') throw new Error(`replication slot '${slot}' exists but is not a pgoutput logical slot (plugin: ${existing.plugin ?? 'none'})`);
    return;
  }
  try {
    await client.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [slot]);
  } catch (err) {
    if ((err as { code?: string }).code !== DUPLICATE_OBJECT) throw err;
  }
}

/** Checks the server, then creates the publication and the slot when missing (the slot starts at LATEST). */
export async function prepareReplication(config: PostgresCdcConfig, mappingId: string): Promise<void> {
  await withClient(config.url, async (client) => {
    await requireLogicalWal(client);
    await ensurePublication(client, config, publicationName(config, mappingId));
    await ensureSlot(client, slotName(config, mappingId));
  });
}

/** Drops the slot (ending a reader still streaming from it) and the publication the plugin created. */
export async function dropReplication(config: PostgresCdcConfig, mappingId: string): Promise<void> {
  const slot = slotName(config, mappingId);
  await withClient(config.url, async (client) => {
    for (let attempt = 0; ; attempt++) {
      const { rows } = await client.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      const found = rows[0];
      if (found === undefined) break;
      if (found.active_pid !== null) await client.query('SELECT pg_terminate_backend($1)', [found.active_pid]);
      try {
        await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
        break;
      } catch (err) {
        // Still active for a moment after the terminate: try again briefly.
        if (attempt >= 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    if (config.publication === undefined) await client.query(`DROP PUBLICATION IF EXISTS ${client.escapeIdentifier(publicationName(config, mappingId))}`);
  });
}

/** The table's primary key columns in key order; [] when it has none. */
export async function primaryKeyColumns(db: Queryable, relationOid: number): Promise<string[]> {
  const { rows } = await db.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1 AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [relationOid],
  );
  return rows.map((row) => row.attname);
}

/** WAL bytes written since the slot's confirmed position; undefined when the slot is gone. */
export async function slotLagBytes(db: Queryable, slot: string): Promise<number | undefined> {
  const { rows } = await db.query<{ lag: string | null }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  const lag = rows[0]?.lag;
  return lag === undefined || lag === null ? undefined : Math.max(0, Number(lag));
}

/** Where the slot has confirmed up to (`X/Y`), the point a new stream resumes from. */
export async function slotConfirmedLsn(db: Queryable, slot: string): Promise<string | undefined> {
  const { rows } = await db.query<{ lsn: string | null }>('SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  return rows[0]?.lsn ?? undefined;
}
