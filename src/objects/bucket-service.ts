// Buckets: create, delete, list, head, location, and the notification configuration.
import type { Clock } from '../util/time.js';
import type { BucketRecord, NotificationConfigRecord, ObjectDataStore, S3Repository } from '../store/s3-ports.js';
import type { Scope } from '../store/records.js';
import { ownedBucket } from './buckets.js';
import { S3Error, noSuchBucket } from './errors.js';
import { checkBucketName } from './names.js';
import { validateNotificationConfig, type NotificationConfigInput } from './notification-config.js';

export interface BucketServiceDeps {
  readonly repo: S3Repository;
  readonly data: ObjectDataStore;
  readonly clock: Clock;
  /** Whether a Lambda function ARN names an existing function (notification destinations). */
  readonly functionExists: (arn: string) => Promise<boolean>;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export class BucketService {
  readonly #deps: BucketServiceDeps;

  constructor(deps: BucketServiceDeps) {
    this.#deps = deps;
  }

  /** `region` is the LocationConstraint, or the request's region when none was given. */
  async create(scope: Scope, name: string, region: string): Promise<BucketRecord> {
    checkBucketName(name);
    if (!REGION.test(region)) throw new S3Error('InvalidLocationConstraint', undefined, { LocationConstraint: region });
    const bucket: BucketRecord = { account: scope.account, region, name, createdAt: this.#deps.clock() };
    const outcome = await this.#deps.repo.createBucket(bucket);
    if (outcome === 'created') return bucket;
    throw new S3Error(outcome.account === scope.account ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists', undefined, { BucketName: name });
  }

  async delete(scope: Scope, name: string): Promise<void> {
    await ownedBucket(this.#deps.repo, scope, name);
    const { outcome, parts } = await this.#deps.repo.deleteBucket(name);
    if (outcome === 'missing') throw noSuchBucket(name);
    if (outcome === 'not-empty') throw new S3Error('BucketNotEmpty', undefined, { BucketName: name });
    await this.#deps.data.delete(parts.map((p) => p.fileId));
  }

  head(scope: Scope, name: string): Promise<BucketRecord> {
    return ownedBucket(this.#deps.repo, scope, name);
  }

  list(scope: Scope): Promise<readonly BucketRecord[]> {
    return this.#deps.repo.listBuckets(scope.account);
  }

  async putNotification(scope: Scope, name: string, input: NotificationConfigInput): Promise<void> {
    await ownedBucket(this.#deps.repo, scope, name);
    const empty = input.lambda.length === 0 && input.others.length === 0;
    const config = empty ? undefined : await validateNotificationConfig(input, this.#deps.functionExists);
    if (!(await this.#deps.repo.putNotification(name, config))) throw noSuchBucket(name);
  }

  async getNotification(scope: Scope, name: string): Promise<NotificationConfigRecord | undefined> {
    await ownedBucket(this.#deps.repo, scope, name);
    return this.#deps.repo.getNotification(name);
  }
}
