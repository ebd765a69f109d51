// ExternalS3TriggerRepository on SQLite: one row per source and bucket, the parsed
// notifications as JSON.
import type { LambdaNotification } from '../../objects/object-events.js';
import type { ExternalBucketTriggers, ExternalS3TriggerRepository } from '../external-s3-triggers.js';
import type { Db } from './database.js';

export interface TriggerRow { source: string; bucket: string; account: string; region: string; notifications: string; last_modified: number }

export function toTriggers(row: TriggerRow): ExternalBucketTriggers {
  return {
    source: row.source, bucket: row.bucket, account: row.account, region: row.region,
    notifications: JSON.parse(row.notifications) as LambdaNotification[], lastModified: row.last_modified,
  };
}

export function createSqliteExternalS3TriggerRepository(db: Db): ExternalS3TriggerRepository {
  const upsert = db.prepare(`INSERT INTO external_s3_triggers (source, bucket, account, region, notifications, last_modified)
    VALUES (@source, @bucket, @account, @region, @notifications, @lastModified)
    ON CONFLICT (source, bucket) DO UPDATE SET account = excluded.account, region = excluded.region,
      notifications = excluded.notifications, last_modified = excluded.last_modified`);
  const select = db.prepare('SELECT * FROM external_s3_triggers WHERE source = ? AND bucket = ?');
  const listAll = db.prepare('SELECT * FROM external_s3_triggers ORDER BY source, bucket');
  const listSource = db.prepare('SELECT * FROM external_s3_triggers WHERE source = ? ORDER BY bucket');
  const remove = db.prepare('DELETE FROM external_s3_triggers WHERE source = ? AND bucket = ?');
  return {
    put(t) {
      upsert.run({
        source: t.source, bucket: t.bucket, account: t.account, region: t.region,
        notifications: JSON.stringify(t.notifications), lastModified: t.lastModified,
      });
      return Promise.resolve();
    },
    get(source, bucket) {
      const row = select.get(source, bucket) as TriggerRow | undefined;
      return Promise.resolve(row ? toTriggers(row) : undefined);
    },
    list(source) {
      const rows = (source === undefined ? listAll.all() : listSource.all(source)) as TriggerRow[];
      return Promise.resolve(rows.map(toTriggers));
    },
    delete(source, bucket) {
      return Promise.resolve(remove.run(source, bucket).changes === 1);
    },
  };
}
