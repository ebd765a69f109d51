// Serves function URLs on the platform port, before any API surface sees the request:
//   Host: <url-id>.lambda-url.<region>.localhost[:port]   → the whole path is the function's
//   /url/<function>[/$LATEST]/rest                         → rawPath is /rest
// Each request becomes a payload 2.0 event (lambda-reference §6.1), runs synchronously,
// and the result is mapped back (triggers/http). AWS_IAM URLs need a SigV4 signature by
// a key the platform knows (access keys, iamCredentials, functions' own keys, see
// src/auth/authenticator.ts); CORS preflights are answered from the URL's config.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionUrlService } from '../../control/functions/function-url-service.js';
import { NimbusError, type ErrorCode } from '../../errors.js';
import type { FunctionUrlConfigRecord, Scope } from '../../store/records.js';
import { requestFacts, type HttpInvocation, type HttpInvoker } from '../../triggers/http/http-invoker.js';
import { internalServerError, sendableOr } from '../../triggers/http/response-v2.js';
import { BodyTooLarge, readBody } from '../http/body.js';
import type { Authenticator } from '../../auth/authenticator.js';
import type { RawHttpHandler } from '../http/types.js';
import { INVOKE_MAX_BODY } from '../lambda/invoke-routes.js';
import { renderLambdaError } from '../lambda/surface.js';
import { isPreflight, preflightHeaders, withCorsHeaders } from './cors.js';
import { parseUrlHost, urlDomain } from './url-host.js';

export const URL_PATH_PREFIX = '/url';
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Framing is the server's business, whatever the function says. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

type HeaderPair = readonly [string, string];

export interface FunctionUrlHandlerDeps {
  readonly urls: FunctionUrlService;
  readonly invoker: HttpInvoker;
  /** Checks AWS_IAM URLs' signatures. */
  readonly verifier: Pick<Authenticator, 'canVerifyIam' | 'verifyIam'>;
  /** Where `/url/<function>` looks functions up (the platform's default account and region). */
  readonly defaultScope: Scope;
}

interface Target {
  readonly config: FunctionUrlConfigRecord;
  /** The path the function sees: after the `/url/<function>[/<qualifier>]` prefix, or all of it. */
  readonly rawPath: string;
}

/** An early answer that is not the function's. */
class UrlRefusal extends Error {
  constructor(readonly status: number, readonly errorType: ErrorCode, readonly body: unknown, readonly headers: readonly HeaderPair[] = []) {
    super(errorType);
  }
}

function accessDenied(message: string | null, reason?: string): UrlRefusal {
  return new UrlRefusal(403, 'AccessDeniedException', { Message: message }, reason === undefined ? [] : [['x-nimbus-auth-error', reason]]);
}

function resourceNotFound(): NimbusError {
  return new NimbusError('ResourceNotFoundException', 'The resource you requested does not exist.');
}

function write(req: IncomingMessage, res: ServerResponse, requestId: string, status: number, pairs: readonly HeaderPair[], body: Buffer): void {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    if (HOP_BY_HOP.has(name)) continue;
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  res.statusCode = status;
  for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  res.setHeader('x-amzn-requestid', requestId);
  res.setHeader('content-length', body.length);
  // HEAD answers as GET would, without the body.
  res.end(req.method === 'HEAD' ? undefined : body);
}

function writeJson(req: IncomingMessage, res: ServerResponse, requestId: string, status: number, errorType: string | undefined, body: unknown, extra: readonly HeaderPair[] = []): void {
  const pairs: HeaderPair[] = [['content-type', 'application/json'], ...extra];
  if (errorType !== undefined) pairs.push(['x-amzn-errortype', errorType]);
  write(req, res, requestId, status, pairs, Buffer.from(JSON.stringify(body)));
}


export class FunctionUrlHandler implements RawHttpHandler {
  readonly name = 'function URLs';
  readonly #deps: FunctionUrlHandlerDeps;

  constructor(deps: FunctionUrlHandlerDeps) {
    this.#deps = deps;
  }

  claims(req: IncomingMessage, path: string): boolean {
    return parseUrlHost(req.headers.host) !== undefined || path === URL_PATH_PREFIX || path.startsWith(`${URL_PATH_PREFIX}/`);
  }

  async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    try {
      await this.#serve(req, res, requestId);
    } catch (err) {
      if (err instanceof UrlRefusal) {
        writeJson(req, res, requestId, err.status, err.errorType, err.body, err.headers);
        return;
      }
      if (!(err instanceof NimbusError)) throw err; // the server logs it and answers 500
      // After an oversized body we stopped reading: close the connection rather than drain it.
      if (err instanceof BodyTooLarge && err.unread) res.shouldKeepAlive = false;
      const rendered = renderLambdaError(err);
      const headers = Object.entries(rendered.headers ?? {}).filter(([name]) => name !== 'content-type' && name !== 'x-amzn-errortype');
      writeJson(req, res, requestId, rendered.status, err.code, rendered.body, headers);
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const { config, rawPath } = await this.#target(req);
    const method = req.method ?? 'GET';
    if (config.cors !== undefined && isPreflight(method, req.headers)) {
      write(req, res, requestId, 200, preflightHeaders(config.cors, req.headers), Buffer.alloc(0));
      return;
    }
    if (config.authType === 'AWS_IAM' && !(await this.#deps.verifier.canVerifyIam())) {
      throw accessDenied('Forbidden: this function URL has AuthType AWS_IAM and the platform has no iamCredentials configured and no access keys, so it accepts no request (see docs/security.md)');
    }
    if (config.authType === 'AWS_IAM' && req.headers.authorization === undefined) throw accessDenied('Forbidden', 'the request is not signed (no Authorization header)');
    const body = await readBody(req, INVOKE_MAX_BODY, 'InvokeFunction');
    let authorizer: Record<string, unknown> | undefined;
    if (config.authType === 'AWS_IAM') {
      const verdict = await this.#deps.verifier.verifyIam(req, body);
      if (!verdict.ok) throw accessDenied('Forbidden', verdict.reason);
      const accountId = verdict.account;
      // No IAM users here: the access key id stands for the caller.
      authorizer = {
        iam: {
          accessKey: verdict.accessKeyId, accountId, callerId: verdict.accessKeyId, cognitoIdentity: null, principalOrgId: null,
          userArn: `arn:aws:iam::${accountId}:user/${verdict.accessKeyId}`, userId: verdict.accessKeyId,
        },
      };
    }

    const facts = requestFacts(req, body);
    const extraHeaders = req.headers['x-forwarded-port'] === undefined && req.socket.localPort !== undefined ? ['x-forwarded-port', String(req.socket.localPort)] : [];
    const call: HttpInvocation = {
      key: { account: config.account, region: config.region, name: config.name }, qualifier: config.qualifier, requestId, trigger: 'url',
      facts: { ...facts, rawPath, rawHeaders: [...facts.rawHeaders, ...extraHeaders] },
      context: {
        routeKey: '$default', stage: '$default', apiId: config.urlId, domainName: urlDomain(config.urlId, config.region),
        domainPrefix: config.urlId, accountId: config.account, authorizer,
      },
    };
    if (config.invokeMode === 'RESPONSE_STREAM' && req.method !== 'HEAD') {
      const cors = config.cors === undefined ? [] : withCorsHeaders(config.cors, req.headers, []);
      await this.#deps.invoker.stream(call, res, [['x-amzn-requestid', requestId], ...cors]);
      return;
    }
    const mapped = sendableOr(await this.#deps.invoker.invoke(call), internalServerError);
    const headers = config.cors === undefined ? mapped.headers : withCorsHeaders(config.cors, req.headers, mapped.headers);
    write(req, res, requestId, mapped.status, headers, mapped.body);
  }

  async #target(req: IncomingMessage): Promise<Target> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const host = parseUrlHost(req.headers.host);
    if (host) {
      const config = await this.#deps.urls.findByUrlId(host.urlId);
      // An unknown url id is refused as Lambda's front end does (it cannot say "not found").
      if (!config || config.region !== host.region) throw accessDenied(null);
      return { config, rawPath: path };
    }
    // /url/<function>[/<qualifier>]/rest
    const segments = path.slice(URL_PATH_PREFIX.length + 1).split('/');
    const name = decodeSegment(segments[0] ?? '');
    if (name === undefined || !FUNCTION_NAME.test(name)) throw resourceNotFound();
    let used = 1;
    let qualifier: string | undefined;
    if (segments.length > 1 && decodeSegment(segments[1] as string) === '$LATEST') {
      qualifier = '$LATEST';
      used = 2;
    }
    const config = await this.#deps.urls.findForFunction({ ...this.#deps.defaultScope, name }, qualifier);
    return { config, rawPath: `/${segments.slice(used).join('/')}` };
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
