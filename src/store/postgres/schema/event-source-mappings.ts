// PostgreSQL schema for the event source mappings, mirroring
// ../../sqlite/schema/event-source-mappings.ts. `seq` orders listings (creation order) and
// is the list marker. One mapping per queue and function in a scope: the unique index makes
// the duplicate check atomic across nodes ('' = unqualified). No foreign keys: a mapping
// outlives its function and its queue, as on Lambda. Flags stay INTEGER 0/1 so the SQLite
// row mapper reads these rows.
export const EVENT_SOURCE_MAPPINGS_SCHEMA = `
CREATE TABLE event_source_mappings (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL, region TEXT NOT NULL,
  event_source_arn TEXT NOT NULL,
  function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
  batch_size INTEGER NOT NULL, maximum_batching_window INTEGER NOT NULL,
  report_batch_item_failures INTEGER NOT NULL, maximum_concurrency INTEGER, enabled INTEGER NOT NULL,
  state TEXT NOT NULL, state_transition_reason TEXT NOT NULL, last_processing_result TEXT NOT NULL,
  revision BIGINT NOT NULL, last_modified BIGINT NOT NULL
);
CREATE UNIQUE INDEX event_source_mappings_pair ON event_source_mappings (account, region, event_source_arn, function_name, qualifier);
CREATE INDEX event_source_mappings_function ON event_source_mappings (account, region, function_name);
`;
