// Schema for the broker mappings (event sources beyond SQS; one migration, see
// ../migrations.ts). `seq` keeps creation order. The source settings stay the JSON text the
// user gave, so a mapping reads back exactly as written. No foreign keys: a mapping
// outlives its function, as the SQS mappings do.
export const BROKER_MAPPINGS_SCHEMA = `CREATE TABLE broker_mappings (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     uuid TEXT NOT NULL UNIQUE,
     account TEXT NOT NULL, region TEXT NOT NULL, kind TEXT NOT NULL, source_config TEXT NOT NULL,
     function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
     batch_size INTEGER NOT NULL, maximum_batching_window INTEGER NOT NULL, maximum_retry_attempts INTEGER NOT NULL,
     bisect_on_error INTEGER NOT NULL, on_failure TEXT, enabled INTEGER NOT NULL, state TEXT NOT NULL,
     last_processing_result TEXT NOT NULL, last_error TEXT,
     revision INTEGER NOT NULL, created_at INTEGER NOT NULL, last_modified INTEGER NOT NULL
   );
   CREATE INDEX broker_mappings_scope ON broker_mappings (account, region, seq);`;
