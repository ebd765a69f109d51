// ExternalS3TriggerRepository on PostgreSQL: one row per source and bucket, the parsed
// notifications as JSON, as on SQLite (sqlite/external-s3-trigger-repository.ts). A put
// is one upsert, so nodes configuring the same bucket at once leave one of the two whole.
import type { ExternalS3TriggerRepository } from '../external-s3-triggers.js';
import { toTriggers, type TriggerRow } from '../sqlite/external-s3-trigger-repository.js';
import type { Pg } from './database.js';

export function createPostgresExternalS3TriggerRepository(db: Pg): ExternalS3TriggerRepository {
  return {
    async put(t) {
      await db.run(
        `INSERT INTO external_s3_triggers (source, bucket, account, region, notifications, last_modified) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (source, bucket) DO UPDATE SET account = excluded.account, region = excluded.region,
           notifications = excluded.notifications, last_modified = excluded.last_modified`,
        [t.source, t.bucket, t.account, t.region, JSON.stringify(t.notifications), t.lastModified],
      );
    },
    async get(source, bucket) {
      const row = await db.row<TriggerRow>('SELECT * FROM external_s3_triggers WHERE source = $1 AND bucket = $2', [source, bucket]);
      return row ? toTriggers(row) : undefined;
    },
    async list(source) {
      const rows = source === undefined
        ? await db.rows<TriggerRow>('SELECT * FROM external_s3_triggers ORDER BY source COLLATE "C", bucket COLLATE "C"')
        : await db.rows<TriggerRow>('SELECT * FROM external_s3_triggers WHERE source = $1 ORDER BY bucket COLLATE "C"', [source]);
      return rows.map(toTriggers);
    },
    async delete(source, bucket) {
      return (await db.run('DELETE FROM external_s3_triggers WHERE source = $1 AND bucket = $2', [source, bucket])) === 1;
    },
  };
}
