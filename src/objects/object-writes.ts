// The commit step every object write shares: metadata and outbox event in one store
// transaction, then the bytes it replaced are deleted (never before: a crash in between
// leaves only an orphan file, which the next start sweeps), then the notifier is woken.
import type { BucketRecord, ObjectDataStore, ObjectEventInput, ObjectRecord, S3Repository, WriteCondition } from '../store/s3-ports.js';
import type { Caller } from './caller.js';
import { S3Error, noSuchBucket } from './errors.js';
import type { ObjectEventName } from './object-events.js';

export interface WriteDeps {
  readonly repo: S3Repository;
  readonly data: ObjectDataStore;
  /** Called after each commit that wrote outbox rows. */
  readonly onObjectEvents?: (() => void) | undefined;
}

export function eventFor(caller: Caller, bucket: BucketRecord, key: string, eventName: ObjectEventName, eventTime: number, object?: ObjectRecord): ObjectEventInput {
  return {
    account: bucket.account, region: bucket.region, bucket: bucket.name, key, eventName, eventTime,
    size: object?.size, eTag: object?.etag, versionId: undefined,
    sourceIp: caller.sourceIp, principalId: caller.accessKeyId, requestId: caller.requestId, traceHeader: caller.traceHeader,
  };
}

export async function commitObject(deps: WriteDeps, object: ObjectRecord, event: ObjectEventInput, condition?: WriteCondition): Promise<void> {
  const outcome = await deps.repo.putObject(object, event, condition);
  if (!outcome.ok) {
    await deps.data.delete(object.segments.map((s) => s.fileId));
    throw outcome.reason === 'no-bucket' ? noSuchBucket(object.bucket) : new S3Error('PreconditionFailed', undefined, { Condition: condition?.absent ? 'If-None-Match' : 'If-Match' });
  }
  if (outcome.replaced) await deps.data.delete(outcome.replaced.segments.map((s) => s.fileId));
  deps.onObjectEvents?.();
}

export async function deleteKeys(deps: WriteDeps, caller: Caller, bucket: BucketRecord, keys: readonly string[], now: number): Promise<void> {
  const deleted = await deps.repo.deleteObjects(bucket.name, keys, (key) => eventFor(caller, bucket, key, 'ObjectRemoved:Delete', now));
  if (deleted.length === 0) return;
  await deps.data.delete(deleted.flatMap((o) => o.segments.map((s) => s.fileId)));
  deps.onObjectEvents?.();
}
