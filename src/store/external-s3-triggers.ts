// The port for the trigger configuration of buckets in external S3-compatible stores
// (MinIO and the like, docs/s3-notifications.md#external-stores). The store posts its
// events to Nimbus; which functions they invoke is configured here, per source (the
// external store, named in its webhook URL) and bucket, in the same shape as a bucket's
// own notification configuration.
import type { LambdaNotification } from '../objects/object-events.js';
import type { Scope } from './records.js';

export interface ExternalBucketTriggers extends Scope {
  /** Names the external store: the last label of its webhook URL. */
  readonly source: string;
  readonly bucket: string;
  readonly notifications: readonly LambdaNotification[];
  /** Epoch ms. */
  readonly lastModified: number;
}

export interface ExternalS3TriggerRepository {
  /** Creates or replaces the configuration of the source's bucket. */
  put(triggers: ExternalBucketTriggers): Promise<void>;
  get(source: string, bucket: string): Promise<ExternalBucketTriggers | undefined>;
  /** Every configuration (of one source, when given), by source and bucket. */
  list(source: string | undefined): Promise<readonly ExternalBucketTriggers[]>;
  /** False when there was none. */
  delete(source: string, bucket: string): Promise<boolean>;
}
