// DeleteObjects: up to 1,000 keys in one request, deleted in one transaction. S3 wants
// the body's integrity stated (Content-MD5 or a flexible checksum); Quiet mode reports
// only the errors.
import { S3Error } from '../../objects/errors.js';
import { MAX_DELETE_KEYS } from '../../objects/limits.js';
import { bucketOf, type S3Context } from './context.js';
import type { OperationTable, S3Services } from './operations.js';
import { CHECKSUM_ALGORITHMS, readSmallBody } from './request-body.js';
import { sendXml } from './responses.js';
import { child, children, parseXml, text } from './xml.js';

/** 1,000 keys of up to 1,024 bytes, with XML around them. */
const MAX_DELETE_BODY = 2 * 1024 * 1024;

function integrityStated(ctx: S3Context): boolean {
  const { headers } = ctx.req;
  return headers['content-md5'] !== undefined || headers['x-amz-trailer'] !== undefined
    || CHECKSUM_ALGORITHMS.some((a) => headers[`x-amz-checksum-${a.toLowerCase()}`] !== undefined);
}

export function deleteObjectsRoutes({ objects }: S3Services): OperationTable {
  return {
    async DeleteObjects(ctx) {
      if (!integrityStated(ctx)) throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-Md5.');
      const body = await readSmallBody(ctx.req, MAX_DELETE_BODY);
      const request = child(parseXml(body.toString('utf8'), ['Object']), 'Delete');
      if (!request) throw new S3Error('MalformedXML');
      const entries = children(request, 'Object');
      if (entries.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML');
      const keys = entries.map((entry) => {
        const key = text(entry, 'Key');
        if (key === undefined) throw new S3Error('MalformedXML');
        return key;
      });
      const quiet = text(request, 'Quiet')?.trim().toLowerCase() === 'true';
      const outcome = await objects.deleteMany(ctx.caller, bucketOf(ctx), keys);
      sendXml(ctx, 'DeleteResult', {
        Deleted: quiet ? [] : outcome.deleted.map((key) => ({ Key: key })),
        Error: outcome.errors.map(({ key, error }) => ({ Key: key, Code: error.code, Message: error.message })),
      });
    },
  };
}
