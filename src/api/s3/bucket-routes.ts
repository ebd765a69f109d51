// ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, GetBucketVersioning.
import { S3Error } from '../../objects/errors.js';
import { bucketOf, type S3Context } from './context.js';
import { isoTime, owner, type OperationTable, type S3Services } from './operations.js';
import { readSmallBody } from './request-body.js';
import { sendEmpty, sendXml } from './responses.js';
import { child, parseXml, text } from './xml.js';

/** CreateBucketConfiguration is small; anything larger is not one. */
const MAX_CONFIGURATION_BYTES = 64 * 1024;

async function locationConstraint(ctx: S3Context): Promise<string | undefined> {
  const body = await readSmallBody(ctx.req, MAX_CONFIGURATION_BYTES);
  if (body.length === 0) return undefined;
  const config = child(parseXml(body.toString('utf8'), []), 'CreateBucketConfiguration');
  if (!config) throw new S3Error('MalformedXML');
  const value = text(config, 'LocationConstraint');
  return value === undefined || value === '' ? undefined : value;
}

export function bucketRoutes({ buckets }: S3Services): OperationTable {
  return {
    async ListBuckets(ctx) {
      const list = await buckets.list(ctx.caller);
      sendXml(ctx, 'ListAllMyBucketsResult', {
        Owner: owner(ctx.caller.account),
        Buckets: { Bucket: list.map((b) => ({ Name: b.name, CreationDate: isoTime(b.createdAt), BucketRegion: b.region })) },
      });
    },
    async CreateBucket(ctx) {
      const region = (await locationConstraint(ctx)) ?? ctx.caller.region;
      const bucket = await buckets.create(ctx.caller, bucketOf(ctx), region);
      sendEmpty(ctx, 200, { location: `/${bucket.name}` });
    },
    async DeleteBucket(ctx) {
      await buckets.delete(ctx.caller, bucketOf(ctx));
      sendEmpty(ctx, 204);
    },
    async HeadBucket(ctx) {
      const bucket = await buckets.head(ctx.caller, bucketOf(ctx));
      sendEmpty(ctx, 200, { 'x-amz-bucket-region': bucket.region });
    },
    async GetBucketLocation(ctx) {
      const bucket = await buckets.head(ctx.caller, bucketOf(ctx));
      // us-east-1 is reported as an empty constraint, as S3 does.
      sendXml(ctx, 'LocationConstraint', bucket.region === 'us-east-1' ? {} : { '#text': bucket.region });
    },
    async GetBucketVersioning(ctx) {
      await buckets.head(ctx.caller, bucketOf(ctx));
      sendXml(ctx, 'VersioningConfiguration', {}); // never enabled: an empty configuration
    },
  };
}
