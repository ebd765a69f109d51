// Serves the HTTP API (routes, docs/http-routes.md) on the platform port, before any API
// surface sees the request:
//   Host: <api-id>.execute-api.<region>.localhost[:port]   → the whole path is the route path
//   /http/<rest>                                           → the route path is /<rest>
// The host form takes the region from the host, and the account from an api id of 12
// digits (else the platform's default account); the /http form takes both from a SigV4
// signature when there is one, else the defaults — as every other Nimbus API does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Scope } from '../../store/records.js';
import { requestFacts } from '../../triggers/http/http-invoker.js';
import { httpApiInternalServerError, sendableOr, type MappedResponse } from '../../triggers/http/response-v2.js';
import type { HttpApi, HttpApiRequest } from '../../triggers/http/routes/http-api.js';
import { BodyTooLarge, readBody } from '../http/body.js';
import { accountOf, readCredentialScope } from '../../auth/credential-scope.js';
import type { RawHttpHandler } from '../http/types.js';
import { INVOKE_MAX_BODY } from '../lambda/invoke-routes.js';

export const HTTP_API_PATH_PREFIX = '/http';
/** The api id of the /http form. */
export const DEFAULT_API_ID = 'nimbus';
const API_HOST = /^([a-z0-9-]{1,63})\.execute-api\.([a-z0-9-]+)\.localhost\.?(?::\d+)?$/;
/** Framing is the server's business, whatever the function says. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

export interface HttpApiHandlerDeps {
  readonly api: HttpApi;
  readonly defaultScope: Scope;
  /** The platform's own failures (a bug, the store gone): logged, answered as API Gateway's 500. */
  readonly onInternalError: (err: unknown, requestId: string) => void;
}

interface Addressed {
  readonly scope: Scope;
  readonly apiId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  /** The path the routes see, still percent-encoded. */
  readonly rawPath: string;
}

/** `<api-id>.execute-api.<region>.localhost`, the domainName of the host form. */
export function apiDomain(apiId: string, region: string): string {
  return `${apiId}.execute-api.${region}.localhost`;
}

function parseApiHost(host: string | undefined): { apiId: string; region: string } | undefined {
  const match = host === undefined ? null : API_HOST.exec(host.toLowerCase());
  return match ? { apiId: match[1] as string, region: match[2] as string } : undefined;
}

function hostname(host: string | undefined): string {
  if (host === undefined || host === '') return 'localhost';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '').toLowerCase();
}

function write(req: IncomingMessage, res: ServerResponse, requestId: string, mapped: MappedResponse): void {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of mapped.headers) {
    if (HOP_BY_HOP.has(name)) continue;
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  res.statusCode = mapped.status;
  for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  res.setHeader('apigw-requestid', requestId);
  res.setHeader('content-length', mapped.body.length);
  res.end(req.method === 'HEAD' ? undefined : mapped.body); // HEAD answers as GET would, without the body
}


export class HttpApiHandler implements RawHttpHandler {
  readonly name = 'HTTP API routes';
  readonly #deps: HttpApiHandlerDeps;

  constructor(deps: HttpApiHandlerDeps) {
    this.#deps = deps;
  }

  claims(req: IncomingMessage, path: string): boolean {
    return parseApiHost(req.headers.host) !== undefined || path === HTTP_API_PATH_PREFIX || path.startsWith(`${HTTP_API_PATH_PREFIX}/`);
  }

  async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, INVOKE_MAX_BODY, 'HTTP API');
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      if (err.unread) res.shouldKeepAlive = false; // we stopped reading: close rather than drain
      const tooLarge = { status: 413, headers: [['content-type', 'application/json']] as const, body: Buffer.from('{"message":"Request Entity Too Large"}') };
      write(req, res, requestId, tooLarge);
      return;
    }
    const facts = requestFacts(req, body);
    const target = this.#address(req, facts.rawPath);
    const request: HttpApiRequest = {
      scope: target.scope, facts: { ...facts, rawPath: target.rawPath }, apiId: target.apiId,
      domainName: target.domainName, domainPrefix: target.domainPrefix, requestId,
    };
    let mapped: MappedResponse;
    try {
      mapped = sendableOr(await this.#deps.api.handle(request), httpApiInternalServerError);
    } catch (err) {
      this.#deps.onInternalError(err, requestId);
      mapped = httpApiInternalServerError();
    }
    write(req, res, requestId, mapped);
  }

  #address(req: IncomingMessage, rawPath: string): Addressed {
    const { defaultScope } = this.#deps;
    const host = parseApiHost(req.headers.host);
    if (host) {
      const account = /^\d{12}$/.test(host.apiId) ? host.apiId : defaultScope.account;
      return { scope: { account, region: host.region }, apiId: host.apiId, domainName: apiDomain(host.apiId, host.region), domainPrefix: host.apiId, rawPath };
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const credential = readCredentialScope(req.headers, url.searchParams);
    const domainName = hostname(req.headers.host);
    const bare = domainName.replace(/^\[|\]$/g, '');
    return {
      scope: { account: accountOf(credential, defaultScope.account), region: credential?.region ?? defaultScope.region },
      apiId: DEFAULT_API_ID, domainName, domainPrefix: isIP(bare) === 0 ? (domainName.split('.')[0] ?? domainName) : DEFAULT_API_ID,
      rawPath: rawPath.slice(HTTP_API_PATH_PREFIX.length) || '/',
    };
  }
}
