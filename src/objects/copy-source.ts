// The source of CopyObject and UploadPartCopy: another object (possibly in another
// bucket of the same account), checked against the x-amz-copy-source-if-* conditions,
// where S3 answers every failed condition, even a "not modified", with 412.
import type { ObjectRecord } from '../store/s3-ports.js';
import type { Scope } from '../store/records.js';
import type { ByteRange } from './byte-range.js';
import { ownedBucket } from './buckets.js';
import { evaluateConditions, type Conditions } from './conditions.js';
import { S3Error } from './errors.js';
import { openObject, type OpenedObject } from './object-reads.js';
import type { ObjectServiceDeps } from './object-service.js';

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly conditions: Conditions;
}

export type SourceRange = (object: ObjectRecord) => ByteRange | undefined;

export async function openCopySource(deps: ObjectServiceDeps, scope: Scope, source: CopySource, range: SourceRange = () => undefined): Promise<OpenedObject & { readonly range: ByteRange | undefined }> {
  await ownedBucket(deps.repo, scope, source.bucket);
  let chosen: ByteRange | undefined;
  const opened = await openObject(deps, source.bucket, source.key, (object) => {
    if (evaluateConditions(source.conditions, object.etag, object.lastModified) !== 'proceed') {
      throw new S3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-*' });
    }
    chosen = range(object);
    return chosen ?? { start: 0, end: object.size - 1 };
  });
  return { ...opened, range: chosen };
}
