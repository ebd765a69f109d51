// CORS for function URLs, from the URL's Cors config (as Lambda's front end does it): a
// preflight is answered here without running the function, and normal responses get
// the allow-origin headers when the request's Origin is allowed. With a Cors config the
// config is the only source of CORS headers: the function's own are dropped.
import type { IncomingHttpHeaders } from 'node:http';
import type { FunctionUrlCors } from '../../store/records.js';

type HeaderPair = readonly [string, string];

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A browser's preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && one(headers, 'origin') !== undefined && one(headers, 'access-control-request-method') !== undefined;
}

function originAllowed(cors: FunctionUrlCors, origin: string | undefined): origin is string {
  if (origin === undefined) return false;
  const lower = origin.toLowerCase();
  return (cors.allowOrigins ?? []).some((o) => o === '*' || o.toLowerCase() === lower);
}

/** `*` only for a wildcard config without credentials (browsers refuse `*` with credentials). */
function allowOriginValue(cors: FunctionUrlCors, origin: string): string {
  return cors.allowOrigins?.includes('*') && cors.allowCredentials !== true ? '*' : origin;
}

/** The preflight answer's headers; none (the browser then refuses) when origin or method is not allowed. */
export function preflightHeaders(cors: FunctionUrlCors, headers: IncomingHttpHeaders): HeaderPair[] {
  const origin = one(headers, 'origin');
  const method = (one(headers, 'access-control-request-method') ?? '').toUpperCase();
  const methods = cors.allowMethods ?? [];
  if (!originAllowed(cors, origin) || !(methods.includes('*') || methods.includes(method))) return [['vary', 'Origin']];
  const out: HeaderPair[] = [['access-control-allow-origin', allowOriginValue(cors, origin)]];
  out.push(['access-control-allow-methods', methods.includes('*') ? method : methods.join(',')]);
  const requested = one(headers, 'access-control-request-headers');
  if (cors.allowHeaders !== undefined && cors.allowHeaders.length > 0) {
    const value = cors.allowHeaders.includes('*') ? requested : cors.allowHeaders.join(',');
    if (value !== undefined && value !== '') out.push(['access-control-allow-headers', value]);
  }
  if (cors.maxAge !== undefined) out.push(['access-control-max-age', String(cors.maxAge)]);
  if (cors.allowCredentials === true) out.push(['access-control-allow-credentials', 'true']);
  out.push(['vary', 'Origin']);
  return out;
}

/** A response's headers with the function's CORS headers replaced by the config's. */
export function withCorsHeaders(cors: FunctionUrlCors, requestHeaders: IncomingHttpHeaders, headers: readonly HeaderPair[]): HeaderPair[] {
  const out = headers.filter(([name]) => !name.startsWith('access-control-'));
  const origin = one(requestHeaders, 'origin');
  if (!originAllowed(cors, origin)) return out;
  out.push(['access-control-allow-origin', allowOriginValue(cors, origin)]);
  if (cors.exposeHeaders !== undefined && cors.exposeHeaders.length > 0) out.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
  if (cors.allowCredentials === true) out.push(['access-control-allow-credentials', 'true']);
  if (!out.some(([name, value]) => name === 'vary' && /\borigin\b/i.test(value))) out.push(['vary', 'Origin']);
  return out;
}
