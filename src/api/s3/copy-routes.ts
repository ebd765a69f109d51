// CopyObject, and the x-amz-copy-source header it shares with UploadPartCopy:
// `[/]<bucket>/<key>[?versionId=…]`, URL-encoded.
import { S3Error, invalidArgument } from '../../objects/errors.js';
import { quoted } from '../../objects/etag.js';
import type { CopySource } from '../../objects/copy-source.js';
import { bucketOf, header, keyOf, type S3Context } from './context.js';
import { conditionsFrom, metadataFrom, writeConditionFrom } from './object-headers.js';
import { isoTime, type OperationTable, type S3Services } from './operations.js';
import { sendXml } from './responses.js';

export function copySourceOf(ctx: S3Context): CopySource {
  const raw = header(ctx, 'x-amz-copy-source') ?? '';
  const [path = '', query] = raw.split('?', 2) as [string, string | undefined];
  const versionId = query === undefined ? null : new URLSearchParams(query).get('versionId');
  if (versionId !== null && versionId !== 'null') throw new S3Error('NotImplemented', 'Nimbus buckets are not versioned; a copy source cannot name a version', { Header: 'x-amz-copy-source' });
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  const invalid = (): S3Error => invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', raw);
  if (slash < 1 || slash === trimmed.length - 1) throw invalid();
  try {
    return {
      bucket: decodeURIComponent(trimmed.slice(0, slash)), key: decodeURIComponent(trimmed.slice(slash + 1)),
      conditions: conditionsFrom(ctx.req.headers, 'x-amz-copy-source-'),
    };
  } catch {
    throw invalid();
  }
}

function directiveOf(ctx: S3Context): 'COPY' | 'REPLACE' {
  const value = header(ctx, 'x-amz-metadata-directive') ?? 'COPY';
  if (value !== 'COPY' && value !== 'REPLACE') throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', value);
  return value;
}

export function copyRoutes(services: S3Services): OperationTable {
  return {
    async CopyObject(ctx) {
      const object = await services.objects.copy(ctx.caller, bucketOf(ctx), keyOf(ctx), {
        source: copySourceOf(ctx), directive: directiveOf(ctx), metadata: metadataFrom(ctx.req.headers), condition: writeConditionFrom(ctx.req.headers),
      });
      const checksum = object.checksum ? { [`Checksum${object.checksum.algorithm}`]: object.checksum.value } : {};
      sendXml(ctx, 'CopyObjectResult', { ETag: quoted(object.etag), LastModified: isoTime(object.lastModified), ...checksum });
    },
  };
}
