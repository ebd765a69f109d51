// S3's ETag rules: a single PUT's ETag is the hex MD5 of the bytes; a multipart object's
// is the MD5 of the concatenated binary MD5s of its parts, then "-" and the part count.
import { createHash } from 'node:crypto';

export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}

/** An ETag as a client sends it (`"abc"`, `abc`, `W/"abc"`), without quotes. */
export function normalizeEtag(value: string): string {
  return value.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export function quoted(etag: string): string {
  return `"${etag}"`;
}
