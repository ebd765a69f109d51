// Conditional requests as S3 evaluates them (RFC 7232 §6 order): If-Match, else
// If-Unmodified-Since, decides 412; then If-None-Match, else If-Modified-Since, decides
// 304 for GET/HEAD. So If-Match true wins over If-Unmodified-Since false (200), and
// If-None-Match false wins over If-Modified-Since true (304), as S3 documents. Copy
// sources use the same rules with x-amz-copy-source-if-*, where every failure is 412.
import { normalizeEtag } from './etag.js';

export interface Conditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  /** Epoch ms; an unparsable date is ignored, as HTTP says. */
  readonly ifModifiedSince?: number | undefined;
  readonly ifUnmodifiedSince?: number | undefined;
}

export type ConditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

function matches(list: string, etag: string): boolean {
  return list.split(',').some((candidate) => candidate.trim() === '*' || normalizeEtag(candidate) === etag);
}

export function evaluateConditions(conditions: Conditions, etag: string, lastModified: number): ConditionOutcome {
  // HTTP dates have whole seconds: compare the object's time at that precision.
  const modified = Math.floor(lastModified / 1000) * 1000;
  if (conditions.ifMatch !== undefined) {
    if (!matches(conditions.ifMatch, etag)) return 'precondition-failed';
  } else if (conditions.ifUnmodifiedSince !== undefined && modified > conditions.ifUnmodifiedSince) {
    return 'precondition-failed';
  }
  if (conditions.ifNoneMatch !== undefined) {
    if (matches(conditions.ifNoneMatch, etag)) return 'not-modified';
  } else if (conditions.ifModifiedSince !== undefined && modified <= conditions.ifModifiedSince) {
    return 'not-modified';
  }
  return 'proceed';
}
