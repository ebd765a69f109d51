// The API Gateway HTTP API payload 2.0 / function URL event (lambda-reference §6.1).
// Pure: built from what the HTTP layer read, so both function URLs and routes share it.

export interface HttpRequestFacts {
  readonly method: string;
  /** The path as sent, still percent-encoded. */
  readonly rawPath: string;
  /** The query string as sent, without `?`. */
  readonly rawQueryString: string;
  /** Node's rawHeaders: name, value, name, value… (keeps repeated headers apart). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
}

export interface HttpEventContext {
  readonly routeKey: string;
  readonly stage: string;
  readonly apiId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly now: number;
  readonly pathParameters?: Readonly<Record<string, string>> | undefined;
  readonly authorizer?: Readonly<Record<string, unknown>> | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, as requestContext.time. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? ''}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Text bodies stay text; anything else (or non-UTF-8 bytes) is base64 (LocalStack's rule, as AWS behaves). */
export function isTextContent(contentType: string | undefined, body: Buffer): boolean {
  if (body.length === 0) return true;
  const type = (contentType ?? '').toLowerCase();
  const textual = type === '' || /^text\//.test(type) || /json|xml|javascript|x-www-form-urlencoded|graphql|yaml|csv/.test(type);
  if (!textual) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function buildHttpEventV2(req: HttpRequestFacts, ctx: HttpEventContext): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter((c) => c !== ''));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  headers['x-forwarded-for'] ??= req.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';

  let queryStringParameters: Record<string, string> | undefined;
  if (req.rawQueryString !== '') {
    queryStringParameters = {};
    for (const pair of req.rawQueryString.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
      queryStringParameters[key] = queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
    }
  }

  let path = req.rawPath;
  try {
    path = decodeURI(req.rawPath);
  } catch {
    // keep it encoded
  }
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: ctx.routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (queryStringParameters !== undefined) event.queryStringParameters = queryStringParameters;
  event.requestContext = {
    accountId: ctx.accountId,
    apiId: ctx.apiId,
    ...(ctx.authorizer !== undefined ? { authorizer: ctx.authorizer } : {}),
    domainName: ctx.domainName,
    domainPrefix: ctx.domainPrefix,
    http: { method: req.method, path, protocol: req.protocol, sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
    requestId: ctx.requestId,
    routeKey: ctx.routeKey,
    stage: ctx.stage,
    time: clfTime(ctx.now),
    timeEpoch: ctx.now,
  };
  if (req.body.length > 0) {
    const text = isTextContent(headers['content-type'], req.body);
    event.body = text ? req.body.toString('utf8') : req.body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  if (ctx.pathParameters !== undefined) event.pathParameters = ctx.pathParameters;
  return event;
}
