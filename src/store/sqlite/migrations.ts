// Versioned schema migrations, applied in order inside one transaction each. A
// database written by a newer build (higher user_version) is refused, not guessed at.
import { NimbusError } from '../../errors.js';
import type { Db } from './database.js';
import { QUEUES_SCHEMA } from './schema/queues.js';
import { S3_NOTIFICATIONS_SCHEMA } from './schema/s3-notifications.js';
import { S3_SCHEMA } from './schema/s3.js';
import { SCHEDULES_SCHEMA } from './schema/schedules.js';
import { VERSIONS_SCHEMA } from './schema/versions.js';
import { EVENT_SOURCE_MAPPINGS_SCHEMA } from './schema/event-source-mappings.js';
import { USAGE_SCHEMA } from './schema/usage.js';
import { LOG_EVENTS_SCHEMA } from './schema/log-events.js';
import { LAYERS_SCHEMA } from './schema/layers.js';
import { ACCESS_KEYS_SCHEMA } from './schema/access-keys.js';
import { BROKER_MAPPINGS_SCHEMA } from './schema/broker-mappings.js';

const MIGRATIONS: readonly string[] = [
  // 1: functions and their versions ($LATEST is a version row).
  `CREATE TABLE functions (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     tags TEXT NOT NULL DEFAULT '{}',
     reserved_concurrency INTEGER,
     PRIMARY KEY (account, region, name)
   ) WITHOUT ROWID;
   CREATE TABLE function_versions (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
     settings TEXT NOT NULL,
     code_sha256 TEXT NOT NULL, code_blob_key TEXT NOT NULL, code_size INTEGER NOT NULL,
     revision_id TEXT NOT NULL, last_modified TEXT NOT NULL,
     state TEXT NOT NULL, state_reason TEXT, state_reason_code TEXT,
     last_update_status TEXT NOT NULL, last_update_status_reason TEXT, last_update_status_reason_code TEXT,
     PRIMARY KEY (account, region, name, version),
     FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
   ) WITHOUT ROWID;
   CREATE INDEX function_versions_state ON function_versions (state, last_update_status);`,
  // 2: function logs, one row per line, in CloudWatch's group/stream terms.
  // (The rows live in the telemetry database now, telemetry/database.ts; this table stays empty.)
  LOG_EVENTS_SCHEMA,
  // 3: the asynchronous invocation queue and event invoke configs.
  `CREATE TABLE async_events (
     id TEXT PRIMARY KEY,
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT,
     payload BLOB NOT NULL, source TEXT NOT NULL, created_at INTEGER NOT NULL,
     status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0,
     not_before INTEGER NOT NULL, lease_owner TEXT, lease_until INTEGER, last_error TEXT, updated_at INTEGER NOT NULL
   );
   CREATE INDEX async_events_due ON async_events (status, not_before);
   CREATE INDEX async_events_function ON async_events (account, region, name, status);
   CREATE TABLE event_invoke_configs (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
     maximum_retry_attempts INTEGER, maximum_event_age INTEGER, on_success TEXT, on_failure TEXT,
     last_modified INTEGER NOT NULL,
     PRIMARY KEY (account, region, name, qualifier),
     FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
   ) WITHOUT ROWID;`,
  // 4: function URL configs, one per function and qualifier; url_id (the host label) is
  // unique across the platform, so a request finds its function by Host alone.
  `CREATE TABLE function_urls (
     url_id TEXT NOT NULL PRIMARY KEY,
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
     auth_type TEXT NOT NULL, cors TEXT, invoke_mode TEXT NOT NULL,
     created_at INTEGER NOT NULL, last_modified INTEGER NOT NULL,
     UNIQUE (account, region, name, qualifier),
     FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
   ) WITHOUT ROWID;`,
  // 5: the HTTP API route table of each account and region,
  // read and written whole (a JSON document) with a revision for compare-and-swap.
  `CREATE TABLE http_route_tables (
     account TEXT NOT NULL, region TEXT NOT NULL,
     document TEXT NOT NULL, revision TEXT NOT NULL, last_modified INTEGER NOT NULL,
     PRIMARY KEY (account, region)
   ) WITHOUT ROWID;`,
  // 6: S3 buckets, objects, multipart uploads and the object-event outbox.
  S3_SCHEMA,
  // 7: bucket notification delivery (trace lineage on async events for the recursion guard).
  S3_NOTIFICATIONS_SCHEMA,
  // 8: SQS queues and messages.
  QUEUES_SCHEMA,
  // 9: EventBridge-style schedules.
  SCHEDULES_SCHEMA,
  // 10: published versions, aliases and provisioned concurrency configs.
  VERSIONS_SCHEMA,
  // 11: event source mappings from SQS queues to functions.
  EVENT_SOURCE_MAPPINGS_SCHEMA,
  // 12: metering, one usage record per invocation (also in the telemetry database now).
  USAGE_SCHEMA,
  // 13: Lambda layer versions.
  LAYERS_SCHEMA,
  // 14: access keys and the platform secret.
  ACCESS_KEYS_SCHEMA,
  // 15: broker mappings (event sources beyond SQS: Redis Streams, RabbitMQ, NATS, MQTT, PostgreSQL CDC).
  BROKER_MAPPINGS_SCHEMA,
];

/** Brings `db` to the last of `migrations` (the main store's by default). */
export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new NimbusError('StoreCorrupt', `the store has schema version ${current}, newer than this build supports (${migrations.length}); upgrade nimbus`);
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    const sql = migrations[version - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
