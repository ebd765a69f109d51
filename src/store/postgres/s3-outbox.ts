// The object-event outbox and the notification configurations on PostgreSQL, as the
// notifier reads them (objects/object-events.ts). Rows are written by s3-repository.ts in
// the transaction of each object change. In cluster mode every node's notifier drains the
// same outbox, so a peek is a claim: it leases the oldest unclaimed rows (FOR UPDATE SKIP
// LOCKED, then claimed_until on the database clock) and no other node sees them until
// they are acknowledged or the lease runs out (the claiming node crashed or failed to
// enqueue them: another node, or the same one, delivers them again, at least once).
import type { BucketNotificationSource, ObjectEventOutbox } from '../../objects/object-events.js';
import type { NotificationConfigRecord } from '../s3-ports.js';
import { recordOf, type EventRow } from '../sqlite/s3-outbox.js';
import type { Pg } from './database.js';

/** How long a peeked batch stays claimed by the node that peeked it. */
export const OUTBOX_LEASE_MS = 60_000;

const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export function createPostgresObjectEventOutbox(db: Pg): ObjectEventOutbox {
  return {
    async peek(limit) {
      const rows = await db.rows<EventRow>(
        `UPDATE s3_object_events SET claimed_until = ${NOW_MS} + $2
         WHERE seq IN (SELECT seq FROM s3_object_events WHERE claimed_until <= ${NOW_MS} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [limit, OUTBOX_LEASE_MS],
      );
      return rows.sort((a, b) => a.seq - b.seq).map(recordOf);
    },
    async ack(seqs) {
      if (seqs.length > 0) await db.run('DELETE FROM s3_object_events WHERE seq = ANY($1::bigint[])', [seqs]);
    },
  };
}

export function createPostgresBucketNotificationSource(db: Pg): BucketNotificationSource {
  return {
    async lambdaNotifications(scope, bucket) {
      const row = await db.row<{ account: string; region: string; notification: string | null }>(
        'SELECT account, region, notification FROM s3_buckets WHERE name = $1', [bucket],
      );
      if (!row || row.account !== scope.account || row.region !== scope.region) return undefined;
      const config = row.notification === null ? undefined : (JSON.parse(row.notification) as NotificationConfigRecord);
      return config?.lambda ?? [];
    },
  };
}
