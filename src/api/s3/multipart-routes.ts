// CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads.
import { S3Error, invalidArgument } from '../../objects/errors.js';
import { quoted } from '../../objects/etag.js';
import { MAX_LIST_KEYS, MAX_PART_NUMBER } from '../../objects/limits.js';
import type { CompletedPart } from '../../objects/multipart-service.js';
import { bucketOf, header, keyOf, type S3Context } from './context.js';
import { copySourceOf } from './copy-routes.js';
import { checksumHeaders, metadataFrom } from './object-headers.js';
import { isoTime, owner, type OperationTable, type S3Services } from './operations.js';
import { declaredChecksumAlgorithm, readSmallBody, requestBody } from './request-body.js';
import { sendEmpty, sendXml } from './responses.js';
import { child, children, parseXml, text } from './xml.js';

/** 10,000 parts with their ETags and checksums. */
const MAX_COMPLETE_BODY = 4 * 1024 * 1024;

function uploadIdOf(ctx: S3Context): string {
  return ctx.query.get('uploadId') ?? '';
}

function partNumberOf(ctx: S3Context): number {
  const text = ctx.query.get('partNumber') ?? '';
  return /^\d{1,5}$/.test(text) ? Number(text) : NaN;
}

function count(ctx: S3Context, name: string, fallback: number, max: number): number {
  const value = ctx.query.get(name);
  if (value === null) return fallback;
  if (!/^\d{1,10}$/.test(value)) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  return Math.min(Number(value), max);
}

async function completedParts(ctx: S3Context): Promise<CompletedPart[]> {
  const body = await readSmallBody(ctx.req, MAX_COMPLETE_BODY);
  const request = child(parseXml(body.toString('utf8'), ['Part']), 'CompleteMultipartUpload');
  if (!request) throw new S3Error('MalformedXML');
  return children(request, 'Part').map((part) => {
    const number = text(part, 'PartNumber')?.trim() ?? '';
    const etag = text(part, 'ETag');
    if (!/^\d{1,5}$/.test(number) || etag === undefined) throw new S3Error('MalformedXML');
    return { partNumber: Number(number), etag };
  });
}

export function multipartRoutes({ multipart }: S3Services): OperationTable {
  return {
    async CreateMultipartUpload(ctx) {
      const algorithm = declaredChecksumAlgorithm(ctx.req.headers);
      const upload = await multipart.create(ctx.caller, bucketOf(ctx), keyOf(ctx), metadataFrom(ctx.req.headers), algorithm);
      sendXml(ctx, 'InitiateMultipartUploadResult', { Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId }, algorithm ? { 'x-amz-checksum-algorithm': algorithm } : {});
    },
    async UploadPart(ctx) {
      const { body, expected } = requestBody(ctx.req, true);
      const part = await multipart.uploadPart(ctx.caller, bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx), partNumberOf(ctx), body, expected);
      sendEmpty(ctx, 200, { etag: quoted(part.etag), ...checksumHeaders(part.checksum) });
    },
    async UploadPartCopy(ctx) {
      const part = await multipart.uploadPartCopy(ctx.caller, bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx), partNumberOf(ctx), copySourceOf(ctx), header(ctx, 'x-amz-copy-source-range'));
      sendXml(ctx, 'CopyPartResult', { ETag: quoted(part.etag), LastModified: isoTime(part.lastModified) });
    },
    async CompleteMultipartUpload(ctx) {
      const parts = await completedParts(ctx);
      const object = await multipart.complete(ctx.caller, bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx), parts);
      const host = header(ctx, 'host') ?? 'localhost';
      sendXml(ctx, 'CompleteMultipartUploadResult', {
        Location: `http://${host}/${encodeURIComponent(object.bucket)}/${encodeURIComponent(object.key).replace(/%2F/g, '/')}`,
        Bucket: object.bucket, Key: object.key, ETag: quoted(object.etag),
      });
    },
    async AbortMultipartUpload(ctx) {
      await multipart.abort(ctx.caller, bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx));
      sendEmpty(ctx, 204);
    },
    async ListParts(ctx) {
      const after = count(ctx, 'part-number-marker', 0, MAX_PART_NUMBER);
      const maxParts = count(ctx, 'max-parts', MAX_LIST_KEYS, MAX_LIST_KEYS);
      const page = await multipart.listParts(ctx.caller, bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx), after, maxParts);
      const last = page.parts[page.parts.length - 1];
      sendXml(ctx, 'ListPartsResult', {
        Bucket: page.upload.bucket, Key: page.upload.key, UploadId: page.upload.uploadId,
        Initiator: { ID: page.upload.initiator, DisplayName: page.upload.initiator }, Owner: owner(ctx.caller.account), StorageClass: 'STANDARD',
        PartNumberMarker: after, NextPartNumberMarker: last?.partNumber ?? after, MaxParts: maxParts, IsTruncated: page.truncated,
        ChecksumAlgorithm: page.upload.checksumAlgorithm,
        Part: page.parts.map((p) => ({
          PartNumber: p.partNumber, LastModified: isoTime(p.lastModified), ETag: quoted(p.etag), Size: p.size,
          ...(p.checksum ? { [`Checksum${p.checksum.algorithm}`]: p.checksum.value } : {}),
        })),
      });
    },
    async ListMultipartUploads(ctx) {
      const prefix = ctx.query.get('prefix') ?? '';
      const delimiter = ctx.query.get('delimiter') || undefined;
      const keyMarker = ctx.query.get('key-marker') || undefined;
      const uploadIdMarker = keyMarker === undefined ? undefined : ctx.query.get('upload-id-marker') || undefined;
      const maxUploads = count(ctx, 'max-uploads', MAX_LIST_KEYS, MAX_LIST_KEYS);
      const page = await multipart.listUploads(ctx.caller, bucketOf(ctx), { prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
      const last = page.uploads[page.uploads.length - 1];
      sendXml(ctx, 'ListMultipartUploadsResult', {
        Bucket: bucketOf(ctx), KeyMarker: keyMarker ?? '', UploadIdMarker: uploadIdMarker ?? '',
        NextKeyMarker: page.truncated ? last?.key : undefined, NextUploadIdMarker: page.truncated ? last?.uploadId : undefined,
        Prefix: prefix, Delimiter: delimiter, MaxUploads: maxUploads, IsTruncated: page.truncated,
        Upload: page.uploads.map((u) => ({
          Key: u.key, UploadId: u.uploadId, Initiator: { ID: u.initiator, DisplayName: u.initiator }, Owner: owner(ctx.caller.account),
          StorageClass: 'STANDARD', Initiated: isoTime(u.initiated), ChecksumAlgorithm: u.checksumAlgorithm,
        })),
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: p })),
      });
    },
  };
}
