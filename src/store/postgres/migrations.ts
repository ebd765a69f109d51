// Versioned schema migrations for PostgreSQL, one per feature (schema/*.ts), applied in
// order in one transaction. Nodes starting together take a transaction-level
// advisory lock first, so exactly one applies them and the others see them applied. A
// database migrated by a newer build (a higher version) is refused, not guessed at.
import { NimbusError } from '../../errors.js';
import type { Pg } from './database.js';
import { CORE_SCHEMA } from './schema/core.js';
import { EVENTS_SCHEMA } from './schema/events.js';
import { S3_SCHEMA } from './schema/s3.js';
import { QUEUES_SCHEMA } from './schema/queues.js';
import { SCHEDULES_SCHEMA } from './schema/schedules.js';
import { VERSIONS_SCHEMA } from './schema/versions.js';
import { EVENT_SOURCE_MAPPINGS_SCHEMA } from './schema/event-source-mappings.js';
import { USAGE_SCHEMA } from './schema/usage.js';
import { LAYERS_SCHEMA } from './schema/layers.js';
import { BLOBS_SCHEMA } from './schema/blobs.js';
import { CLUSTER_SCHEMA } from './schema/cluster.js';
import { ACCESS_KEYS_SCHEMA } from './schema/access-keys.js';
import { BROKER_MAPPINGS_SCHEMA } from './schema/broker-mappings.js';

const MIGRATIONS: readonly string[] = [
  // 1: functions and $LATEST, event invoke configs, function URLs, HTTP route tables.
  CORE_SCHEMA,
  // 2: log lines and the async invocation queue.
  EVENTS_SCHEMA,
  // 3: S3 buckets, objects, uploads, notifications, the object-event outbox, external S3 triggers.
  S3_SCHEMA,
  // 4: SQS queues and messages.
  QUEUES_SCHEMA,
  // 5: schedules.
  SCHEDULES_SCHEMA,
  // 6: published versions, aliases, provisioned concurrency.
  VERSIONS_SCHEMA,
  // 7: event source mappings.
  EVENT_SOURCE_MAPPINGS_SCHEMA,
  // 8: metering.
  USAGE_SCHEMA,
  // 9: layers.
  LAYERS_SCHEMA,
  // 10: code and object bytes shared by every node.
  BLOBS_SCHEMA,
  // 11: nodes, leader leases, work leases, cluster-wide concurrency slots.
  CLUSTER_SCHEMA,
  // 12: access keys and the platform secret.
  ACCESS_KEYS_SCHEMA,
  // 13: broker mappings (event sources beyond SQS).
  BROKER_MAPPINGS_SCHEMA,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Any constant: the key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 7_130_221;

export async function migrate(db: Pg): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.run('CREATE TABLE IF NOT EXISTS nimbus_schema_version (version INTEGER NOT NULL)');
    const row = await tx.row<{ version: number }>('SELECT version FROM nimbus_schema_version');
    const current = row?.version ?? 0;
    if (row === undefined) await tx.run('INSERT INTO nimbus_schema_version (version) VALUES (0)');
    if (current > SCHEMA_VERSION) {
      throw new NimbusError('StoreCorrupt', `the store has schema version ${current}, newer than this build supports (${SCHEMA_VERSION}); upgrade nimbus`);
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      const body = MIGRATIONS[version - 1] as string;
      if (body.trim() !== '') await tx.run(body);
      await tx.run('UPDATE nimbus_schema_version SET version = $1', [version]);
    }
  });
}
