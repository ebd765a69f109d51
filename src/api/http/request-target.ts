// The path and query of an HTTP request target (`/path?query`). The WHATWG URL parser costs a
// few microseconds a request on the invoke path; a plain path (no dot segment, no character
// the parser would percent-encode) is taken as it is, anything else goes through URL so both
// give the same pathname.

export interface RequestTarget {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

/** Characters a path keeps as they are under WHATWG URL parsing. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~:@!$&'()*+,;=%/]*$/;
/** A segment URL would resolve: `.`, `..` or their percent-encoded forms. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e)/i;

/** Spaces, controls and non-ASCII, which URL strips or encodes (node:http refuses most of them anyway). */
const UNUSUAL = /[^\x21-\x7e]/;

export function parseRequestTarget(raw: string): RequestTarget {
  if (UNUSUAL.test(raw)) return viaUrl(raw);
  const hash = raw.indexOf('#');
  const target = hash === -1 ? raw : raw.slice(0, hash);
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  // '//x' names a host to URL (a scheme-relative reference): it goes through URL too.
  if (!PLAIN_PATH.test(path) || DOT_SEGMENT.test(path) || path.startsWith('//')) return viaUrl(target);
  // The constructor drops one leading '?', so the query goes in with its '?'.
  return { pathname: path, searchParams: new URLSearchParams(query === -1 ? '' : target.slice(query)) };
}

function viaUrl(target: string): RequestTarget {
  const url = new URL(target, 'http://localhost');
  return { pathname: url.pathname, searchParams: url.searchParams };
}
