// EventSourceMappingRepository on SQLite. The duplicate rule (one mapping per queue and
// function) is the unique index, so two concurrent creates cannot both win; state moves by
// the pollers are conditional on the revision, so they never undo a newer change.
import type { EventSourceMappingRecord, EventSourceMappingRepository, MappingState, MappingWrite } from '../esm-ports.js';
import type { Db } from './database.js';

export interface MappingRow {
  seq: number; uuid: string; account: string; region: string; event_source_arn: string; function_name: string; qualifier: string;
  batch_size: number; maximum_batching_window: number; report_batch_item_failures: number; maximum_concurrency: number | null;
  enabled: number; state: string; state_transition_reason: string; last_processing_result: string; revision: number; last_modified: number;
}

export function toRecord(r: MappingRow): EventSourceMappingRecord {
  return {
    uuid: r.uuid, account: r.account, region: r.region, eventSourceArn: r.event_source_arn, functionName: r.function_name,
    qualifier: r.qualifier === '' ? undefined : r.qualifier, batchSize: r.batch_size, maximumBatchingWindowSeconds: r.maximum_batching_window,
    reportBatchItemFailures: r.report_batch_item_failures === 1, maximumConcurrency: r.maximum_concurrency ?? undefined, enabled: r.enabled === 1,
    state: r.state as MappingState, stateTransitionReason: r.state_transition_reason, lastProcessingResult: r.last_processing_result,
    revision: r.revision, lastModified: r.last_modified,
  };
}

export function toParams(m: EventSourceMappingRecord): Record<string, string | number | null> {
  return {
    uuid: m.uuid, account: m.account, region: m.region, eventSourceArn: m.eventSourceArn, functionName: m.functionName, qualifier: m.qualifier ?? '',
    batchSize: m.batchSize, window: m.maximumBatchingWindowSeconds, report: m.reportBatchItemFailures ? 1 : 0, maxConcurrency: m.maximumConcurrency ?? null,
    enabled: m.enabled ? 1 : 0, state: m.state, reason: m.stateTransitionReason, lastResult: m.lastProcessingResult, revision: m.revision,
    lastModified: m.lastModified,
  };
}

export const MARKER = /^[1-9]\d{0,15}$/;

export function createSqliteEventSourceMappingRepository(db: Db): EventSourceMappingRepository {
  const insert = db.prepare(`INSERT INTO event_source_mappings (uuid, account, region, event_source_arn, function_name, qualifier, batch_size,
    maximum_batching_window, report_batch_item_failures, maximum_concurrency, enabled, state, state_transition_reason, last_processing_result,
    revision, last_modified) VALUES (@uuid, @account, @region, @eventSourceArn, @functionName, @qualifier, @batchSize, @window, @report,
    @maxConcurrency, @enabled, @state, @reason, @lastResult, @revision, @lastModified) ON CONFLICT DO NOTHING`);
  const pairOwner = db.prepare(`SELECT uuid FROM event_source_mappings WHERE account = @account AND region = @region
    AND event_source_arn = @eventSourceArn AND function_name = @functionName AND qualifier = @qualifier AND uuid <> @uuid`);
  const select = db.prepare('SELECT * FROM event_source_mappings WHERE uuid = ?');
  const list = db.prepare(`SELECT * FROM event_source_mappings WHERE account = @account AND region = @region AND seq > @after
    AND (@arn IS NULL OR event_source_arn = @arn) AND (@fn IS NULL OR function_name = @fn) AND (@qualifier IS NULL OR qualifier = @qualifier)
    ORDER BY seq LIMIT @limit`);
  const all = db.prepare('SELECT * FROM event_source_mappings ORDER BY seq');
  const update = db.prepare(`UPDATE event_source_mappings SET event_source_arn = @eventSourceArn, function_name = @functionName,
    qualifier = @qualifier, batch_size = @batchSize, maximum_batching_window = @window, report_batch_item_failures = @report,
    maximum_concurrency = @maxConcurrency, enabled = @enabled, state = @state, state_transition_reason = @reason,
    last_processing_result = @lastResult, revision = @revision, last_modified = @lastModified WHERE uuid = @uuid AND revision = @expected`);
  const settle = db.prepare('UPDATE event_source_mappings SET state = ? WHERE uuid = ? AND revision = ?');
  const setResult = db.prepare('UPDATE event_source_mappings SET last_processing_result = ? WHERE uuid = ?');
  const remove = db.prepare('DELETE FROM event_source_mappings WHERE uuid = ?');

  /** The write, or the UUID of the mapping that already pairs this queue and function. */
  const write = (params: Record<string, string | number | null>, run: () => number): MappingWrite => {
    const owner = pairOwner.get(params) as { uuid: string } | undefined;
    if (owner) return { duplicateOf: owner.uuid };
    return run() === 1 ? 'written' : 'stale';
  };
  const create = db.transaction((params: Record<string, string | number | null>) => write(params, () => insert.run(params).changes));
  const replace = db.transaction((params: Record<string, string | number | null>) => write(params, () => update.run(params).changes));

  return {
    create(mapping) {
      return Promise.resolve(create(toParams(mapping)));
    },
    get(uuid) {
      const row = select.get(uuid) as MappingRow | undefined;
      return Promise.resolve(row ? toRecord(row) : undefined);
    },
    list(scope, filter, marker, limit) {
      const rows = list.all({
        account: scope.account, region: scope.region, after: marker === undefined ? 0 : Number(marker), arn: filter.eventSourceArn ?? null,
        fn: filter.functionName ?? null, qualifier: filter.qualifier ?? null, limit: limit + 1,
      }) as MappingRow[];
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return Promise.resolve({ items: page.map(toRecord), nextMarker: rows.length > limit && last ? String(last.seq) : undefined });
    },
    isMarker(marker) {
      return MARKER.test(marker);
    },
    all() {
      return Promise.resolve((all.all() as MappingRow[]).map(toRecord));
    },
    replace(next, expectedRevision) {
      return Promise.resolve(replace({ ...toParams(next), expected: expectedRevision }));
    },
    settleState(uuid, expectedRevision, state) {
      return Promise.resolve(settle.run(state, uuid, expectedRevision).changes === 1);
    },
    setLastProcessingResult(uuid, result) {
      setResult.run(result, uuid);
      return Promise.resolve();
    },
    delete(uuid) {
      return Promise.resolve(remove.run(uuid).changes === 1);
    },
  };
}
