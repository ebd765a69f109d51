// Object headers on the wire: what a PUT, copy or CreateMultipartUpload stores
// (Content-*, Cache-Control, Expires, x-amz-meta-*), what GET and HEAD send back (with the
// response-* query overrides of presigned GETs), and the If-* conditions.
import type { IncomingHttpHeaders } from 'node:http';
import type { Conditions } from '../../objects/conditions.js';
import { quoted } from '../../objects/etag.js';
import type { ObjectMetadata, ObjectRecord, WriteCondition } from '../../store/s3-ports.js';
import { normalizeEtag } from '../../objects/etag.js';
import { S3Error } from '../../objects/errors.js';
import type { Headers } from './responses.js';

const META_PREFIX = 'x-amz-meta-';

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function metadataFrom(headers: IncomingHttpHeaders): ObjectMetadata {
  const userMetadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(META_PREFIX) && value !== undefined) userMetadata[name.slice(META_PREFIX.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    content: {
      contentType: single(headers, 'content-type'), contentEncoding: storedEncoding(single(headers, 'content-encoding')),
      contentDisposition: single(headers, 'content-disposition'), contentLanguage: single(headers, 'content-language'),
      cacheControl: single(headers, 'cache-control'), expires: single(headers, 'expires'),
    },
    userMetadata,
  };
}

/** `aws-chunked` describes the transfer, not the object: S3 drops it from the stored Content-Encoding. */
function storedEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const kept = value.split(',').map((e) => e.trim()).filter((e) => e !== '' && e !== 'aws-chunked');
  return kept.length === 0 ? undefined : kept.join(', ');
}

function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** If-* (prefix '') or x-amz-copy-source-if-* (prefix 'x-amz-copy-source-'). */
export function conditionsFrom(headers: IncomingHttpHeaders, prefix = ''): Conditions {
  return {
    ifMatch: single(headers, `${prefix}if-match`), ifNoneMatch: single(headers, `${prefix}if-none-match`),
    ifModifiedSince: httpDate(single(headers, `${prefix}if-modified-since`)), ifUnmodifiedSince: httpDate(single(headers, `${prefix}if-unmodified-since`)),
  };
}

/** A conditional write (PutObject, CopyObject): If-None-Match: * or If-Match: <etag>. */
export function writeConditionFrom(headers: IncomingHttpHeaders): WriteCondition | undefined {
  const noneMatch = single(headers, 'if-none-match');
  const match = single(headers, 'if-match');
  if (noneMatch !== undefined && noneMatch.trim() !== '*') throw new S3Error('NotImplemented', 'If-None-Match on a write supports only *', { Header: 'If-None-Match' });
  if (noneMatch === undefined && match === undefined) return undefined;
  return { absent: noneMatch !== undefined, etag: match === undefined ? undefined : normalizeEtag(match) };
}

const OVERRIDES = [
  ['response-content-type', 'content-type'], ['response-content-language', 'content-language'], ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'], ['response-content-disposition', 'content-disposition'], ['response-content-encoding', 'content-encoding'],
] as const;

/** The headers of an object on GET and HEAD (not Content-Length or Content-Range). */
export function objectHeaders(object: ObjectRecord, query: URLSearchParams, withChecksum: boolean): Record<string, string | number> {
  const { content } = object;
  const headers: Record<string, string | number> = {
    'content-type': content.contentType ?? 'binary/octet-stream',
    etag: quoted(object.etag),
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
  const optional: [string, string | undefined][] = [
    ['content-encoding', content.contentEncoding], ['content-disposition', content.contentDisposition], ['content-language', content.contentLanguage],
    ['cache-control', content.cacheControl], ['expires', content.expires],
  ];
  for (const [name, value] of optional) if (value !== undefined) headers[name] = value;
  for (const [name, value] of Object.entries(object.userMetadata)) headers[`${META_PREFIX}${name}`] = value;
  for (const [param, name] of OVERRIDES) {
    const value = query.get(param);
    if (value !== null) headers[name] = value;
  }
  if (withChecksum && object.checksum) {
    headers[`x-amz-checksum-${object.checksum.algorithm.toLowerCase()}`] = object.checksum.value;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  return headers;
}

/** The checksum header a write echoes (PutObject, UploadPart). */
export function checksumHeaders(checksum: ObjectRecord['checksum']): Headers {
  return checksum ? { [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: checksum.value } : {};
}
