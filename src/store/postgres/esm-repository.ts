// EventSourceMappingRepository on PostgreSQL. The duplicate rule (one mapping per queue and
// function) is the unique index, so two nodes creating the same pair cannot both win: the
// loser's insert or update meets the index and answers with the winner's UUID. State moves
// by the pollers are conditional on the revision, so they never undo a newer change.
import type { EventSourceMappingRepository, MappingWrite } from '../esm-ports.js';
import { MARKER, toParams, toRecord, type MappingRow } from '../sqlite/esm-repository.js';
import type { Pg } from './database.js';

/** The record's columns in the order of COLUMNS, from the SQLite named parameters. */
const PARAMS = ['uuid', 'account', 'region', 'eventSourceArn', 'functionName', 'qualifier', 'batchSize', 'window', 'report', 'maxConcurrency',
  'enabled', 'state', 'reason', 'lastResult', 'revision', 'lastModified'] as const;
const COLUMNS = `uuid, account, region, event_source_arn, function_name, qualifier, batch_size, maximum_batching_window,
  report_batch_item_failures, maximum_concurrency, enabled, state, state_transition_reason, last_processing_result, revision, last_modified`;

const UNIQUE_VIOLATION = '23505';

function positional(params: Record<string, string | number | null>): (string | number | null)[] {
  return PARAMS.map((name) => params[name] ?? null);
}

export function createPostgresEventSourceMappingRepository(db: Pg): EventSourceMappingRepository {
  /** The mapping other than `uuid` that already pairs this queue and function, if any. */
  const pairOwner = async (p: Record<string, string | number | null>): Promise<string | undefined> =>
    (await db.row<{ uuid: string }>(`SELECT uuid FROM event_source_mappings WHERE account = $1 AND region = $2 AND event_source_arn = $3
      AND function_name = $4 AND qualifier = $5 AND uuid <> $6`, [p.account, p.region, p.eventSourceArn, p.functionName, p.qualifier, p.uuid]))?.uuid;

  /** Runs the write; a pair taken before or during it answers with the pair's owner. */
  const write = async (params: Record<string, string | number | null>, run: () => Promise<number>): Promise<MappingWrite> => {
    const owner = await pairOwner(params);
    if (owner !== undefined) return { duplicateOf: owner };
    let changed: number;
    try {
      changed = await run();
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      changed = 0;
    }
    if (changed === 1) return 'written';
    const winner = await pairOwner(params);
    return winner !== undefined ? { duplicateOf: winner } : 'stale';
  };

  return {
    create(mapping) {
      const params = toParams(mapping);
      return write(params, () => db.run(`INSERT INTO event_source_mappings (${COLUMNS})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`, positional(params)));
    },
    async get(uuid) {
      const row = await db.row<MappingRow>('SELECT * FROM event_source_mappings WHERE uuid = $1', [uuid]);
      return row ? toRecord(row) : undefined;
    },
    async list(scope, filter, marker, limit) {
      const rows = await db.rows<MappingRow>(`SELECT * FROM event_source_mappings WHERE account = $1 AND region = $2 AND seq > $3
        AND ($4::text IS NULL OR event_source_arn = $4) AND ($5::text IS NULL OR function_name = $5) AND ($6::text IS NULL OR qualifier = $6)
        ORDER BY seq LIMIT $7`, [scope.account, scope.region, marker === undefined ? 0 : Number(marker), filter.eventSourceArn ?? null,
        filter.functionName ?? null, filter.qualifier ?? null, limit + 1]);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(toRecord), nextMarker: rows.length > limit && last ? String(last.seq) : undefined };
    },
    isMarker(marker) {
      return MARKER.test(marker);
    },
    async all() {
      return (await db.rows<MappingRow>('SELECT * FROM event_source_mappings ORDER BY seq')).map(toRecord);
    },
    replace(next, expectedRevision) {
      const params = toParams(next);
      return write(params, () => db.run(`UPDATE event_source_mappings SET event_source_arn = $1, function_name = $2, qualifier = $3,
        batch_size = $4, maximum_batching_window = $5, report_batch_item_failures = $6, maximum_concurrency = $7, enabled = $8, state = $9,
        state_transition_reason = $10, last_processing_result = $11, revision = $12, last_modified = $13
        WHERE uuid = $14 AND revision = $15`, [...positional(params).slice(3), params.uuid, expectedRevision]));
    },
    async settleState(uuid, expectedRevision, state) {
      return (await db.run('UPDATE event_source_mappings SET state = $1 WHERE uuid = $2 AND revision = $3', [state, uuid, expectedRevision])) === 1;
    },
    async setLastProcessingResult(uuid, result) {
      await db.run('UPDATE event_source_mappings SET last_processing_result = $1 WHERE uuid = $2', [result, uuid]);
    },
    async delete(uuid) {
      return (await db.run('DELETE FROM event_source_mappings WHERE uuid = $1', [uuid])) === 1;
    },
  };
}
