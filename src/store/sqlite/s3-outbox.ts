// The object-event outbox and the notification configurations on SQLite, as the
// notifier reads them (objects/object-events.ts). Rows are written by s3-repository.ts
// in the transaction of each object change; seq is AUTOINCREMENT, so it never goes
// back even after acknowledged rows are deleted, and the sequencer is its hex.
import type { BucketNotificationSource, ObjectEventName, ObjectEventOutbox, ObjectEventRecord } from '../../objects/object-events.js';
import type { NotificationConfigRecord } from '../s3-ports.js';
import type { Db } from './database.js';

export interface EventRow {
  seq: number; account: string; region: string; bucket: string; key: string; event_name: string; event_time: number;
  size: number | null; etag: string | null; version_id: string | null; source_ip: string; principal_id: string;
  request_id: string; trace_header: string | null;
}

/** S3's sequencer form: upper-case hex, here of the outbox counter, 16 digits. */
export function sequencerOf(seq: number): string {
  return seq.toString(16).toUpperCase().padStart(16, '0');
}

export function recordOf(row: EventRow): ObjectEventRecord {
  return {
    seq: row.seq, account: row.account, region: row.region, bucket: row.bucket, key: row.key,
    eventName: row.event_name as ObjectEventName, eventTime: row.event_time, size: row.size ?? undefined, eTag: row.etag ?? undefined,
    versionId: row.version_id ?? undefined, sequencer: sequencerOf(row.seq), sourceIp: row.source_ip, principalId: row.principal_id,
    requestId: row.request_id, traceHeader: row.trace_header ?? undefined,
  };
}

export function createSqliteObjectEventOutbox(db: Db): ObjectEventOutbox {
  const peek = db.prepare('SELECT * FROM s3_object_events ORDER BY seq LIMIT ?');
  const ack = db.prepare('DELETE FROM s3_object_events WHERE seq = ?');
  const ackAll = db.transaction((seqs: readonly number[]) => {
    for (const seq of seqs) ack.run(seq);
  });
  return {
    peek(limit) {
      return Promise.resolve((peek.all(limit) as EventRow[]).map(recordOf));
    },
    ack(seqs) {
      ackAll(seqs);
      return Promise.resolve();
    },
  };
}

export function createSqliteBucketNotificationSource(db: Db): BucketNotificationSource {
  const select = db.prepare('SELECT account, region, notification FROM s3_buckets WHERE name = ?');
  return {
    lambdaNotifications(scope, bucket) {
      const row = select.get(bucket) as { account: string; region: string; notification: string | null } | undefined;
      if (!row || row.account !== scope.account || row.region !== scope.region) return Promise.resolve(undefined);
      const config = row.notification === null ? undefined : (JSON.parse(row.notification) as NotificationConfigRecord);
      return Promise.resolve(config?.lambda ?? []);
    },
  };
}
