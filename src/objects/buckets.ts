// Bucket lookup with S3's ownership rule: names are global, and a bucket of another
// account is refused (403), as S3 does without a bucket policy granting access.
import type { BucketRecord, S3Repository } from '../store/s3-ports.js';
import type { Scope } from '../store/records.js';
import { S3Error, noSuchBucket } from './errors.js';

export async function ownedBucket(repo: S3Repository, scope: Scope, name: string): Promise<BucketRecord> {
  const bucket = await repo.getBucket(name);
  if (!bucket) throw noSuchBucket(name);
  if (bucket.account !== scope.account) throw new S3Error('AccessDenied');
  return bucket;
}
