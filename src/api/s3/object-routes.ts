// PutObject, GetObject, HeadObject, DeleteObject. Bodies stream both ways: a PUT goes
// from the socket to the data store's temp file, a GET from the opened files to the socket.
import { pipeline } from 'node:stream/promises';
import { quoted } from '../../objects/etag.js';
import type { ReadRequest } from '../../objects/object-service.js';
import { bucketOf, header, keyOf, type S3Context } from './context.js';
import { checksumHeaders, conditionsFrom, metadataFrom, objectHeaders, writeConditionFrom } from './object-headers.js';
import type { OperationTable, S3Services } from './operations.js';
import { requestBody } from './request-body.js';
import { sendEmpty, startBody } from './responses.js';

function readRequest(ctx: S3Context): ReadRequest {
  const part = ctx.query.get('partNumber');
  return { conditions: conditionsFrom(ctx.req.headers), range: header(ctx, 'range'), partNumber: part === null ? undefined : Number(part) };
}

async function read(services: S3Services, ctx: S3Context, head: boolean): Promise<void> {
  const request = readRequest(ctx);
  const result = await services.objects.read(ctx.caller, bucketOf(ctx), keyOf(ctx), request, head);
  const { object } = result;
  if (result.kind === 'not-modified') {
    sendEmpty(ctx, 304, { etag: quoted(object.etag), 'last-modified': new Date(object.lastModified).toUTCString() });
    return;
  }
  const { range, body } = result;
  // S3 returns the checksum only for a whole object, and only when the client asks for it.
  const withChecksum = range === undefined && header(ctx, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  const headers: Record<string, string | number> = objectHeaders(object, ctx.query, withChecksum);
  if (request.partNumber !== undefined) headers['x-amz-mp-parts-count'] = object.segments.length;
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
  headers['content-length'] = range ? range.end - range.start + 1 : object.size;
  const res = startBody(ctx, range ? 206 : 200, headers);
  if (!body) {
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch {
    // The client went away, or a read failed after the head was sent: nothing more can be said.
    res.destroy();
  }
}

export function objectRoutes(services: S3Services): OperationTable {
  return {
    async PutObject(ctx) {
      const { body, expected } = requestBody(ctx.req, true);
      const object = await services.objects.put(ctx.caller, bucketOf(ctx), keyOf(ctx), {
        body, expected, metadata: metadataFrom(ctx.req.headers), condition: writeConditionFrom(ctx.req.headers),
      });
      sendEmpty(ctx, 200, { etag: quoted(object.etag), ...checksumHeaders(object.checksum) });
    },
    GetObject: (ctx) => read(services, ctx, false),
    HeadObject: (ctx) => read(services, ctx, true),
    async DeleteObject(ctx) {
      await services.objects.delete(ctx.caller, bucketOf(ctx), keyOf(ctx));
      sendEmpty(ctx, 204);
    },
  };
}
