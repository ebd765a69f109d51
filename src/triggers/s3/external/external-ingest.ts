// Accepts event notifications posted by an external S3-compatible store and delivers
// them through the durable async queue, matched against the source bucket's trigger
// configuration (external-triggers.ts) exactly as the built-in store's events are. The
// caller gets its 2xx only once the invocations are durable, so a store that retries on
// failure (MinIO with queue_dir) loses nothing; derived event ids make a retried post a no-op.
import { createHash, timingSafeEqual } from 'node:crypto';
import { NimbusError } from '../../../errors.js';
import type { ExternalBucketTriggers, ExternalS3TriggerRepository } from '../../../store/external-s3-triggers.js';
import type { EventQueue } from '../../../store/ports.js';
import type { AsyncEvent } from '../../../store/records.js';
import type { Clock } from '../../../util/time.js';
import { deliveries } from '../deliveries.js';
import { checkBucket, checkSource, notConfigured } from './external-triggers.js';
import { changeOfRecord, parseWebhookBody } from './webhook-events.js';

export interface ExternalIngestOptions {
  readonly triggers: ExternalS3TriggerRepository;
  readonly queue: Pick<EventQueue, 'enqueue'>;
  readonly clock: Clock;
  readonly wakeDispatcher: () => void;
  /** The shared secret (MinIO's webhook auth_token); empty disables ingestion. */
  readonly token: string;
  readonly onError: (err: unknown) => void;
}

export interface IngestResult {
  readonly records: number;
  readonly invocations: number;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export class ExternalS3Ingest {
  readonly #o: ExternalIngestOptions;
  /** What the Authorization header must be: MinIO sends `Bearer <auth_token>`. */
  readonly #expected: Buffer | undefined;

  constructor(options: ExternalIngestOptions) {
    this.#o = options;
    this.#expected = options.token === '' ? undefined : digest(`Bearer ${options.token}`);
  }

  /** Throws AccessDeniedException unless the header carries the configured token. */
  authorize(authorization: string | undefined): void {
    if (this.#expected === undefined) {
      throw new NimbusError('AccessDeniedException', 'External S3 events are disabled: start nimbus with --s3-events-token (NIMBUS_S3_EVENTS_TOKEN) and give the store the same token.');
    }
    // Digests have equal lengths, so the comparison takes the same time whatever was sent.
    if (authorization === undefined || !timingSafeEqual(digest(authorization.trim()), this.#expected)) {
      throw new NimbusError('AccessDeniedException', 'The Authorization header does not carry the token of --s3-events-token (expected "Bearer <token>").');
    }
  }

  /** Validates every record first, then enqueues their invocations in one durable write. */
  async ingest(source: string, body: unknown): Promise<IngestResult> {
    checkSource(source);
    const records = parseWebhookBody(body);
    const configs = new Map<string, ExternalBucketTriggers>();
    for (const [i, record] of records.entries()) {
      const bucket = checkBucket(record.s3.bucket.name, `Records[${i}].s3.bucket.name`);
      if (configs.has(bucket)) continue;
      const config = await this.#o.triggers.get(source, bucket);
      if (!config) throw notConfigured(source, bucket);
      configs.set(bucket, config);
    }
    const now = this.#o.clock();
    const events: AsyncEvent[] = [];
    records.forEach((record, i) => {
      const config = configs.get(record.s3.bucket.name) as ExternalBucketTriggers;
      const change = changeOfRecord(record, i, config);
      const result = deliveries(change, config.notifications, `external:${source}:${change.sequencer}:${change.eventTime}`, now);
      events.push(...result.events);
      for (const problem of result.problems) {
        this.#o.onError(new Error(`external source ${source}, bucket ${change.bucket}: notification '${problem.notification.id}' skipped: ${(problem.error as Error).message}`));
      }
    });
    if (events.length > 0) {
      await this.#o.queue.enqueue(events);
      this.#o.wakeDispatcher();
    }
    return { records: records.length, invocations: events.length };
  }
}
