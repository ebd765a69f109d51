// The PostgreSQL connection of cluster mode: a pool shared by every repository, with
// BIGINT read as a JS number (epoch ms and byte counts stay far below 2^53) and one
// helper for transactions. Migrations run once per database under an advisory lock, so
// nodes that start together do not race to create the schema.
import pg from 'pg';
import { NimbusError } from '../../errors.js';
import { migrate } from './migrations.js';

const INT8_OID = 20;

/** What a repository queries through: the pool, or one transaction's client. */
export interface Sql {
  /** Rows of a statement with $1… parameters. */
  rows<R extends pg.QueryResultRow>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  row<R extends pg.QueryResultRow>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** How many rows the statement changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
}

export interface Pg extends Sql {
  readonly pool: pg.Pool;
  /** How to open a connection of one's own (LISTEN, session advisory locks), as the pool does. */
  readonly connection: pg.ClientConfig;
  /** The schema the tables live in (search_path's first entry). */
  readonly schema: string;
  /** Runs fn in one transaction (READ COMMITTED): committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Schema to create and use (search_path); the database's default when absent. */
  readonly schema?: string | undefined;
  /** Pool size per node. */
  readonly maxConnections?: number | undefined;
}

function getTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID && format !== 'binary') return Number;
  return pg.types.getTypeParser(oid, 'text') as (value: string) => unknown;
}

const typeParsers = { getTypeParser: getTypeParser as typeof pg.types.getTypeParser };

function sqlOver(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async rows<R extends pg.QueryResultRow>(text: string, params?: readonly unknown[]) {
      return (await client.query<R>(text, params as unknown[] | undefined)).rows;
    },
    async row<R extends pg.QueryResultRow>(text: string, params?: readonly unknown[]) {
      return (await client.query<R>(text, params as unknown[] | undefined)).rows[0];
    },
    async run(text: string, params?: readonly unknown[]) {
      return (await client.query(text, params as unknown[] | undefined)).rowCount ?? 0;
    },
  };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Connects, creates the schema when asked, and migrates; a connection failure is a clear StoreUnavailable. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Pg> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new NimbusError('ConfigInvalid', `invalid configuration: store schema ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const connection: pg.ClientConfig = {
    connectionString: url,
    types: typeParsers,
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...connection, max: options.maxConnections ?? 10 });
  // An idle client that loses its connection (the server restarted) must not crash the node.
  pool.on('error', () => undefined);
  const sql = sqlOver(pool);
  let schema: string;
  try {
    if (options.schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    schema = options.schema ?? (await sql.row<{ schema: string }>('SELECT current_schema() AS schema'))?.schema ?? 'public';
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unavailable(err);
  }
  const db: Pg = {
    pool,
    connection,
    schema,
    ...sql,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(sqlOver(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  try {
    await migrate(db);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unavailable(err);
  }
  return db;
}

function unavailable(err: unknown): NimbusError {
  if (err instanceof NimbusError) return err;
  return new NimbusError('StoreUnavailable', `cannot open the PostgreSQL store: ${(err as Error).message}`, { cause: err });
}
