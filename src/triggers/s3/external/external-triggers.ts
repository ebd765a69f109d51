// Trigger configuration of buckets in external S3-compatible stores: which functions a
// source's bucket events invoke. Stored per source and bucket; PUT replaces it whole, as
// PutBucketNotificationConfiguration does, and an empty configuration removes it.
import { NimbusError, invalidParameter } from '../../../errors.js';
import type { ExternalBucketTriggers, ExternalS3TriggerRepository } from '../../../store/external-s3-triggers.js';
import type { Scope } from '../../../store/records.js';
import type { Clock } from '../../../util/time.js';
import { parseNotificationDocument } from '../notification-document.js';

const SOURCE = /^[a-zA-Z0-9_-]{1,64}$/;
// S3's bucket naming rules (which MinIO follows): 3–63 lowercase letters, digits, '.' and '-'.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkSource(source: string): string {
  if (!SOURCE.test(source)) throw invalidParameter('source', `'${source}' must be 1–64 letters, digits, - and _`);
  return source;
}

export function checkBucket(bucket: string, field = 'bucket'): string {
  if (!BUCKET.test(bucket) || bucket.includes('..')) throw invalidParameter(field, `'${bucket}' is not a valid bucket name (3–63 lowercase letters, digits, '.' and '-')`);
  return bucket;
}

export function notConfigured(source: string, bucket: string): NimbusError {
  return new NimbusError('ResourceNotFoundException',
    `No trigger configuration for bucket '${bucket}' of source '${source}'; set one with: nimbus s3-events put ${source} ${bucket} config.json`);
}

export class ExternalS3Triggers {
  readonly #repository: ExternalS3TriggerRepository;
  readonly #clock: Clock;

  constructor(repository: ExternalS3TriggerRepository, clock: Clock) {
    this.#repository = repository;
    this.#clock = clock;
  }

  /** Replaces the bucket's configuration with the document's; undefined when the document is empty (removed). */
  async put(scope: Scope, source: string, bucket: string, document: unknown): Promise<ExternalBucketTriggers | undefined> {
    checkSource(source);
    checkBucket(bucket);
    const notifications = parseNotificationDocument(document, scope);
    if (notifications.length === 0) {
      await this.#repository.delete(source, bucket);
      return undefined;
    }
    const triggers: ExternalBucketTriggers = { ...scope, source, bucket, notifications, lastModified: this.#clock() };
    await this.#repository.put(triggers);
    return triggers;
  }

  async get(source: string, bucket: string): Promise<ExternalBucketTriggers> {
    const found = await this.#repository.get(checkSource(source), checkBucket(bucket));
    if (!found) throw notConfigured(source, bucket);
    return found;
  }

  list(source: string | undefined): Promise<readonly ExternalBucketTriggers[]> {
    return this.#repository.list(source === undefined ? undefined : checkSource(source));
  }

  async delete(source: string, bucket: string): Promise<void> {
    if (!(await this.#repository.delete(checkSource(source), checkBucket(bucket)))) throw notConfigured(source, bucket);
  }
}
