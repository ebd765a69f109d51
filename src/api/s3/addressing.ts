// Which bucket and key a request names. Virtual-host style: `Host: <bucket>.s3.localhost`
// (any case, any port, the whole path is the key); `Host: s3.localhost` and every other
// host: path style, `/<bucket>/<key>`. Keys are percent-decoded once, as S3 does ('+' in
// a path is a plus).
import { S3Error } from '../../objects/errors.js';

const S3_HOST = /^(?:(.+)\.)?s3\.localhost\.?(?::\d+)?$/;

export interface Address {
  readonly bucket: string | undefined;
  readonly key: string | undefined;
}

/** For a host of the S3 domain, the bucket it names (undefined for `s3.localhost` itself); else undefined. */
export function parseS3Host(host: string | undefined): { readonly bucket: string | undefined } | undefined {
  if (host === undefined) return undefined;
  const match = S3_HOST.exec(host.toLowerCase());
  return match ? { bucket: match[1] } : undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** `rawPath` is the request path as sent (percent-encoded, no query). */
export function addressOf(host: string | undefined, rawPath: string): Address {
  const virtual = parseS3Host(host)?.bucket;
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (virtual !== undefined) return { bucket: virtual, key: path === '' ? undefined : decode(path) };
  const slash = path.indexOf('/');
  const bucket = slash === -1 ? path : path.slice(0, slash);
  const key = slash === -1 ? '' : path.slice(slash + 1);
  // `//key`: an empty bucket segment with a key after it names no bucket, not the service.
  if (bucket === '' && key !== '') throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  return { bucket: bucket === '' ? undefined : decode(bucket), key: key === '' ? undefined : decode(key) };
}
