// Serves the S3 API on the platform port. A raw handler, not a Surface: object bodies
// stream (up to 5 GiB) instead of being buffered. It claims requests signed for service
// `s3` (Authorization header or presigned X-Amz-Credential) and any request to
// `s3.localhost` or `<bucket>.s3.localhost`; it is asked before the function URL and
// HTTP API handlers, whose requests are never signed for s3 nor sent to those hosts.
// Requests pass the authenticator first (src/auth/authenticator.ts): in enforced mode the
// Authorization header is verified with the declared x-amz-content-sha256 as the payload
// hash (the body is checked against a hex one while it streams), presigned URLs with the
// key it resolves (presigned.ts), and the request acts in the key's account; in open mode
// the account and region come from the SigV4 credential scope, as they always did.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRefusal, type Authenticator, type Refusal, type RefusalCode } from '../../auth/authenticator.js';
import type { Caller } from '../../objects/caller.js';
import { S3Error, type S3ErrorCode } from '../../objects/errors.js';
import type { Scope } from '../../store/records.js';
import { accountOf, readCredentialScope } from '../../auth/credential-scope.js';
import type { RawHttpHandler } from '../http/types.js';
import { addressOf, parseS3Host } from './addressing.js';
import { bucketRoutes } from './bucket-routes.js';
import type { S3Context } from './context.js';
import { copyRoutes } from './copy-routes.js';
import { deleteObjectsRoutes } from './delete-objects-route.js';
import { listRoutes } from './list-routes.js';
import { multipartRoutes } from './multipart-routes.js';
import { notificationRoutes } from './notification-routes.js';
import { objectRoutes } from './object-routes.js';
import type { OperationTable, S3Services } from './operations.js';
import { isPresigned, type PresignedUrlVerifier } from './presigned.js';
import { asS3Error, sendError } from './responses.js';
import { operationOf } from './route.js';

export interface S3HandlerDeps extends S3Services {
  readonly presigned: PresignedUrlVerifier;
  /** Scope of unsigned requests (to the s3.localhost hosts). */
  readonly defaultScope: Scope;
  /** The platform's own failures, logged with the request id; answered InternalError. */
  readonly onInternalError: (err: unknown, requestId: string) => void;
  /** Checks signatures and names the caller's account; without it, the credential scope does (tests of S3 alone). */
  readonly authenticator?: Pick<Authenticator, 'authenticate' | 'enforced' | 'resolve'>;
}

/** Refusals of the authenticator in S3's codes. */
const REFUSAL_CODES: Readonly<Record<RefusalCode, S3ErrorCode>> = {
  MissingAuthentication: 'AccessDenied',
  UnknownKey: 'InvalidAccessKeyId',
  BadSignature: 'SignatureDoesNotMatch',
  SignatureExpired: 'RequestTimeTooSkewed',
  PayloadMismatch: 'XAmzContentSHA256Mismatch',
  Malformed: 'AuthorizationHeaderMalformed',
};

function refusalError(refusal: Refusal): S3Error {
  const code = REFUSAL_CODES[refusal.code];
  const fields: Record<string, string> = refusal.accessKeyId !== undefined && code !== 'AccessDenied' ? { AWSAccessKeyId: refusal.accessKeyId } : {};
  return new S3Error(code, code === 'AuthorizationHeaderMalformed' ? refusal.message : undefined, fields);
}

/** Query parameters of a presigned URL that are the signature itself, not hoisted headers. */
const SIGNATURE_PARAMS = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token', 'x-amz-content-sha256']);

/**
 * A presigner moves x-amz-* headers into the query (metadata, checksums); S3 reads them
 * there as if they had been sent as headers, so they are applied the same way here.
 */
function hoistedHeaders(req: IncomingMessage, query: URLSearchParams): void {
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !SIGNATURE_PARAMS.has(lower) && req.headers[lower] === undefined) req.headers[lower] = value;
  }
}

function sourceIpOf(req: IncomingMessage): string {
  const remote = req.socket.remoteAddress;
  // Over the platform's Unix socket (sandboxes) there is no address: the caller is on this machine.
  if (remote === undefined) return '127.0.0.1';
  return remote.startsWith('::ffff:') ? remote.slice('::ffff:'.length) : remote; // an IPv4 client of a dual-stack socket
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q === -1 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

export class S3Handler implements RawHttpHandler {
  readonly name = 'S3 API';
  readonly #deps: S3HandlerDeps;
  readonly #operations: OperationTable;

  constructor(deps: S3HandlerDeps) {
    this.#deps = deps;
    this.#operations = {
      ...bucketRoutes(deps), ...objectRoutes(deps), ...copyRoutes(deps), ...listRoutes(deps), ...deleteObjectsRoutes(deps),
      ...multipartRoutes(deps), ...notificationRoutes(deps),
    };
  }

  claims(req: IncomingMessage): boolean {
    if (parseS3Host(req.headers.host) !== undefined) return true;
    const auth = req.headers.authorization;
    if (auth !== undefined) return /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/s3\/aws4_request/.test(auth);
    const url = req.url ?? '';
    return url.includes('X-Amz-Credential=') && readCredentialScope(req.headers, new URLSearchParams(splitUrl(url).rawQuery))?.service === 's3';
  }

  async handle(req: IncomingMessage, res: ServerResponse, platformRequestId: string): Promise<void> {
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    const query = new URLSearchParams(rawQuery);
    const credential = readCredentialScope(req.headers, query);
    const trace = req.headers['x-amzn-trace-id'];
    let caller: Caller = {
      account: accountOf(credential, this.#deps.defaultScope.account), region: credential?.region ?? this.#deps.defaultScope.region,
      accessKeyId: credential?.accessKeyId ?? 'anonymous',
      sourceIp: sourceIpOf(req),
      // S3's request ids are 16 upper-case hex digits.
      requestId: platformRequestId.replace(/-/g, '').slice(0, 16).toUpperCase(),
      traceHeader: Array.isArray(trace) ? trace[0] : trace,
    };
    let ctx: S3Context = { req, res, method: req.method ?? 'GET', bucket: undefined, key: undefined, query, caller, hostId: Buffer.from(platformRequestId.replace(/-/g, ''), 'hex').toString('base64') };
    try {
      ctx = { ...ctx, ...addressOf(req.headers.host, rawPath) };
      caller = await this.#authenticate(req, rawPath, rawQuery, caller);
      ctx = { ...ctx, caller };
      if (isPresigned(query)) hoistedHeaders(req, query);
      const operation = this.#operations[operationOf(ctx.method, ctx.bucket, ctx.key, query, req.headers)];
      if (!operation) throw new S3Error('NotImplemented');
      await operation(ctx);
    } catch (err) {
      if (!(err instanceof S3Error)) this.#deps.onInternalError(err, caller.requestId);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body left unread (refused before or while reading it): close rather than drain it.
      if (!req.complete) res.shouldKeepAlive = false;
      sendError(ctx, asS3Error(err));
    }
  }

  /** The caller with the account (and region) the authenticator gives; throws the S3 refusal. */
  async #authenticate(req: IncomingMessage, rawPath: string, rawQuery: string, caller: Caller): Promise<Caller> {
    const auth = this.#deps.authenticator;
    const query = new URLSearchParams(rawQuery);
    if (isPresigned(query)) {
      const enforced = auth !== undefined && (await auth.enforced());
      const key = await this.#deps.presigned.verify(req, rawPath, rawQuery, enforced ? (id, token) => auth.resolve(id, token) : undefined);
      // Enforced, the URL was signed by a key the authenticator knows: it acts in that key's account.
      if (key !== undefined && enforced) return { ...caller, account: key.account };
    }
    if (auth === undefined) return caller;
    const verdict = await auth.authenticate(req, new URL(req.url ?? '/', 'http://localhost'), 's3');
    if (isRefusal(verdict)) throw refusalError(verdict);
    return { ...caller, account: verdict.account, region: verdict.region ?? caller.region };
  }
}
