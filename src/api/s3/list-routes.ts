// ListObjectsV2 and ListObjects (v1, which older clients and the AWS CLI may use).
// With encoding-type=url, keys and prefixes are percent-encoded ('/' kept), which both
// the SDK's and botocore's decoders read back (botocore with unquote_plus, hence '+' → %2B).
import { invalidArgument } from '../../objects/errors.js';
import type { Listed } from '../../objects/listing.js';
import { MAX_LIST_KEYS } from '../../objects/limits.js';
import { quoted } from '../../objects/etag.js';
import type { ObjectRecord } from '../../store/s3-ports.js';
import { bucketOf, type S3Context } from './context.js';
import { isoTime, owner, type OperationTable, type S3Services } from './operations.js';
import { sendXml } from './responses.js';

interface Common {
  readonly prefix: string;
  readonly delimiter: string | undefined;
  readonly maxKeys: number;
  readonly encode: (value: string) => string;
  readonly encodingType: 'url' | undefined;
}

function urlEncode(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

function commonParams(ctx: S3Context): Common {
  const { query } = ctx;
  const encoding = query.get('encoding-type') ?? undefined;
  if (encoding !== undefined && encoding !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  const maxText = query.get('max-keys');
  const max = maxText === null ? MAX_LIST_KEYS : /^\d{1,10}$/.test(maxText) ? Number(maxText) : NaN;
  if (Number.isNaN(max)) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxText ?? '');
  const delimiter = query.get('delimiter') ?? '';
  return {
    prefix: query.get('prefix') ?? '', delimiter: delimiter === '' ? undefined : delimiter, maxKeys: Math.min(max, MAX_LIST_KEYS),
    encode: encoding === 'url' ? urlEncode : (value) => value, encodingType: encoding,
  };
}

function contents(listed: Listed<ObjectRecord>, encode: (v: string) => string, withOwner: string | undefined): unknown[] {
  return listed.items.map((o) => ({
    Key: encode(o.key), LastModified: isoTime(o.lastModified), ETag: quoted(o.etag),
    ChecksumAlgorithm: o.checksum?.algorithm, Size: o.size, StorageClass: 'STANDARD',
    Owner: withOwner === undefined ? undefined : owner(withOwner),
  }));
}

function continuationToken(marker: string): string {
  return Buffer.from(marker, 'utf8').toString('base64url');
}

function markerOfToken(token: string): string {
  const marker = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || continuationToken(marker) !== token) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  return marker;
}

export function listRoutes({ objects }: S3Services): OperationTable {
  return {
    async ListObjectsV2(ctx) {
      const common = commonParams(ctx);
      const token = ctx.query.get('continuation-token') ?? undefined;
      const startAfter = ctx.query.get('start-after') ?? undefined;
      const marker = token !== undefined ? markerOfToken(token) : startAfter;
      const listed = await objects.list(ctx.caller, bucketOf(ctx), { prefix: common.prefix, delimiter: common.delimiter, marker, maxKeys: common.maxKeys });
      const { encode } = common;
      sendXml(ctx, 'ListBucketResult', {
        Name: bucketOf(ctx), Prefix: encode(common.prefix), Delimiter: common.delimiter === undefined ? undefined : encode(common.delimiter),
        MaxKeys: common.maxKeys, EncodingType: common.encodingType, KeyCount: listed.items.length + listed.commonPrefixes.length,
        IsTruncated: listed.truncated, ContinuationToken: token, StartAfter: startAfter === undefined ? undefined : encode(startAfter),
        NextContinuationToken: listed.truncated && listed.last !== undefined ? continuationToken(listed.last) : undefined,
        Contents: contents(listed, encode, ctx.query.get('fetch-owner') === 'true' ? ctx.caller.account : undefined),
        CommonPrefixes: listed.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
      });
    },
    async ListObjects(ctx) {
      const common = commonParams(ctx);
      const marker = ctx.query.get('marker') ?? undefined;
      const listed = await objects.list(ctx.caller, bucketOf(ctx), { prefix: common.prefix, delimiter: common.delimiter, marker, maxKeys: common.maxKeys });
      const { encode } = common;
      sendXml(ctx, 'ListBucketResult', {
        Name: bucketOf(ctx), Prefix: encode(common.prefix), Marker: encode(marker ?? ''),
        // S3 sends NextMarker only with a delimiter; without one, the last key is the next marker.
        NextMarker: listed.truncated && common.delimiter !== undefined && listed.last !== undefined ? encode(listed.last) : undefined,
        MaxKeys: common.maxKeys, Delimiter: common.delimiter === undefined ? undefined : encode(common.delimiter),
        EncodingType: common.encodingType, IsTruncated: listed.truncated,
        Contents: contents(listed, encode, ctx.caller.account),
        CommonPrefixes: listed.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
      });
    },
  };
}
