// Bucket names and object keys, as S3 accepts them
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
import { S3Error } from './errors.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];
/** S3's limit on a key: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** Why `name` is not a valid bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket names must be between 3 and 63 characters long';
  if (!BUCKET.test(name)) return 'Bucket names use only lower-case letters, digits, dots and hyphens, and begin and end with a letter or digit';
  if (name.includes('..')) return 'Bucket names must not contain two adjacent periods';
  if (IP_ADDRESS.test(name)) return 'Bucket names must not be formatted as an IP address';
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p)) || RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return 'Bucket names must not use a reserved prefix or suffix';
  return undefined;
}

export function checkBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem !== undefined) throw new S3Error('InvalidBucketName', `The specified bucket is not valid. ${problem}.`, { BucketName: name });
}

/** Keys are 1 to 1,024 bytes of UTF-8; U+0000 is refused (no XML listing could carry it). */
export function checkKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', 'Object keys must be at least one character long', { ArgumentName: 'key', ArgumentValue: '' });
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', undefined, { MaxSizeAllowed: String(MAX_KEY_BYTES), Size: String(bytes) });
  if (key.includes('\u0000')) throw new S3Error('InvalidArgument', 'Object keys must not contain the character U+0000', { ArgumentName: 'key', ArgumentValue: '' });
}
