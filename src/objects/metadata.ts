// User metadata rules: names are lower-cased (HTTP headers are case-insensitive; S3
// returns them lower-case) and names plus values are at most 2 KB.
import type { ObjectMetadata } from '../store/s3-ports.js';
import { S3Error } from './errors.js';
import { MAX_USER_METADATA_BYTES } from './limits.js';

export function checkMetadata(metadata: ObjectMetadata): void {
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata.userMetadata)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  if (bytes > MAX_USER_METADATA_BYTES) throw new S3Error('MetadataTooLarge', undefined, { MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) });
}
