// One S3 request as the operations see it: the raw request and response (bodies stream),
// the bucket and key it addresses, and the caller.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../objects/caller.js';

export interface S3Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: URLSearchParams;
  readonly caller: Caller;
  /** x-amz-id-2: S3's extended request id. */
  readonly hostId: string;
}

/** The bucket of a bucket or object operation (the router only sends those here with one). */
export function bucketOf(ctx: S3Context): string {
  return ctx.bucket as string;
}

export function keyOf(ctx: S3Context): string {
  return ctx.key as string;
}

/** A single-valued header, or undefined. */
export function header(ctx: S3Context, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
