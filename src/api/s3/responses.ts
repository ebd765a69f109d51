// Writing S3 responses: every answer carries x-amz-request-id and x-amz-id-2; errors are
// S3's XML document (<Error><Code/><Message/>…<Resource/><RequestId/><HostId/></Error>),
// without a body for HEAD, where clients read only the status.
import type { ServerResponse } from 'node:http';
import { S3Error } from '../../objects/errors.js';
import type { S3Context } from './context.js';
import { renderXml } from './xml.js';

export type Headers = Readonly<Record<string, string | number | readonly string[] | undefined>>;

function head(ctx: S3Context, status: number, headers: Headers): ServerResponse {
  const { res } = ctx;
  res.statusCode = status;
  res.setHeader('x-amz-request-id', ctx.caller.requestId);
  res.setHeader('x-amz-id-2', ctx.hostId);
  res.setHeader('server', 'NimbusS3');
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  return res;
}

export function sendEmpty(ctx: S3Context, status: number, headers: Headers = {}): void {
  head(ctx, status, { 'content-length': 0, ...headers }).end();
}

function sendDocument(ctx: S3Context, status: number, xml: string, headers: Headers): void {
  const payload = Buffer.from(xml);
  head(ctx, status, { 'content-type': 'application/xml', 'content-length': payload.length, ...headers }).end(payload);
}

export function sendXml(ctx: S3Context, root: string, body: Readonly<Record<string, unknown>>, headers: Headers = {}): void {
  sendDocument(ctx, 200, renderXml(root, body), headers);
}

/** The head of a streamed body; the caller writes the bytes and ends the response. */
export function startBody(ctx: S3Context, status: number, headers: Headers): ServerResponse {
  return head(ctx, status, headers);
}

export function resourceOf(ctx: S3Context): string {
  if (ctx.bucket === undefined) return '/';
  return ctx.key === undefined ? `/${ctx.bucket}` : `/${ctx.bucket}/${ctx.key}`;
}

export function sendError(ctx: S3Context, err: S3Error, extraHeaders: Headers = {}): void {
  const headers: Headers = err.code === 'InvalidRange' ? { 'content-range': `bytes */${err.fields.ActualObjectSize ?? '*'}`, ...extraHeaders } : extraHeaders;
  if (ctx.method === 'HEAD') {
    sendEmpty(ctx, err.status, headers);
    return;
  }
  const document = { Code: err.code, Message: err.message, ...err.fields, Resource: resourceOf(ctx), RequestId: ctx.caller.requestId, HostId: ctx.hostId };
  sendDocument(ctx, err.status, renderXml('Error', document, false), headers);
}

/** Any error while serving: S3 errors as themselves, the rest as InternalError (the caller logs them). */
export function asS3Error(err: unknown): S3Error {
  return err instanceof S3Error ? err : new S3Error('InternalError');
}
