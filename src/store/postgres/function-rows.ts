// Helpers the PostgreSQL function-family repositories share: a function_versions row as
// positional parameters (the row mappers themselves are SQLite's pure ones, reused), and
// recognising "the function is gone" when a foreign key refuses an insert.
import type { FunctionKey, FunctionVersionRecord } from '../records.js';
import type { Sql } from './database.js';
import { VERSION_COLUMNS, versionParams } from '../sqlite/function-repository.js';

export { VERSION_COLUMNS };

const COLUMN_NAMES = VERSION_COLUMNS.split(',').map((c) => c.trim());

/** How many columns VERSION_COLUMNS names: parameters after the row start at this + 1. */
export const VERSION_COLUMN_COUNT = COLUMN_NAMES.length;

/** $1 … $n for the columns of VERSION_COLUMNS, then `extra` more. */
export function versionPlaceholders(extra = 0): string {
  return Array.from({ length: COLUMN_NAMES.length + extra }, (_, i) => `$${i + 1}`).join(', ');
}

/** The values of a version row in VERSION_COLUMNS order. */
export function versionValues(v: FunctionVersionRecord): unknown[] {
  const params = versionParams(v);
  return COLUMN_NAMES.map((column) => params[column]);
}

/** True when the error is a foreign key violation (the parent row does not exist). */
export function isForeignKeyViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23503';
}

/**
 * Locks the function's row for the rest of the caller's transaction; false when it is gone.
 * Every multi-statement write of the function family takes this lock first, so they and a
 * concurrent DeleteFunction (whose cascade locks the children) lock in one order and
 * cannot deadlock. `key share` lets writers of different children run side by side;
 * `update` serialises (publishing numbers versions one at a time).
 */
export async function lockFunction(tx: Sql, key: FunctionKey, mode: 'key share' | 'update'): Promise<boolean> {
  const lock = mode === 'update' ? 'FOR UPDATE' : 'FOR KEY SHARE';
  return (await tx.row(`SELECT 1 FROM functions WHERE account = $1 AND region = $2 AND name = $3 ${lock}`, [key.account, key.region, key.name])) !== undefined;
}
