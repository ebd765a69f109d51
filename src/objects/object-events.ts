// The contract between the object store (src/objects, api/s3) and bucket notifications
// (triggers/s3): every committed object change is written to an outbox in the same
// transaction as the change itself, so a crash can neither lose a notification nor
// announce a change that did not happen. The notifier drains the outbox into the async
// invocation queue and acknowledges; delivery is at least once, as S3's is.
import type { Scope } from '../store/records.js';

/** S3's event names without the `s3:` prefix, as they appear in an event record. */
export type ObjectEventName =
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Post'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectRemoved:Delete'
  | 'ObjectRemoved:DeleteMarkerCreated';

/** One committed change to an object. */
export interface ObjectEventRecord extends Scope {
  /** Outbox order; unique and increasing. */
  readonly seq: number;
  readonly bucket: string;
  /** The key as stored (not URL-encoded; the event record encodes it). */
  readonly key: string;
  readonly eventName: ObjectEventName;
  /** Epoch ms of the commit. */
  readonly eventTime: number;
  /** Created events: the object's size in bytes. */
  readonly size: number | undefined;
  /** Created events: the ETag without quotes. */
  readonly eTag: string | undefined;
  readonly versionId: string | undefined;
  /** Hex, increasing for successive events of the same key (S3's ordering hint). */
  readonly sequencer: string;
  readonly sourceIp: string;
  /** Who made the change: the caller's access key id (AWS puts the principal id here). */
  readonly principalId: string;
  /** The S3 request id of the change. */
  readonly requestId: string;
  /** X-Amzn-Trace-Id of the request that made the change, if any (the recursion guard reads its lineage). */
  readonly traceHeader: string | undefined;
}

export interface ObjectEventOutbox {
  /** The oldest unacknowledged events, at most `limit`, in seq order. */
  peek(limit: number): Promise<readonly ObjectEventRecord[]>;
  /** Removes delivered events. */
  ack(seqs: readonly number[]): Promise<void>;
}

/** One LambdaFunctionConfiguration of a bucket's notification configuration, parsed. */
export interface LambdaNotification {
  readonly id: string;
  readonly functionArn: string;
  /** As configured, with the `s3:` prefix and wildcards: `s3:ObjectCreated:*`. */
  readonly events: readonly string[];
  readonly filterRules: readonly { readonly name: 'prefix' | 'suffix'; readonly value: string }[];
}

/** What notification delivery reads of a bucket. */
export interface BucketNotificationSource {
  /** The bucket's Lambda notifications (empty when none); undefined when the bucket does not exist. */
  lambdaNotifications(scope: Scope, bucket: string): Promise<readonly LambdaNotification[] | undefined>;
}
