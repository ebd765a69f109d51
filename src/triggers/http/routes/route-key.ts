// Route keys as API Gateway HTTP APIs spell them: `GET /users/{id}`, `ANY /api/{proxy+}`,
// `$default`. A path variable takes a whole segment; a greedy one (`{name+}`) must be the
// last. Parsing is strict and its errors say what is wrong, since they reach users as 400s.
import { NimbusError } from '../../../errors.js';

export const ROUTE_METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

export type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

export type ParsedRouteKey =
  | { readonly kind: 'default' }
  | { readonly kind: 'route'; readonly method: RouteMethod; readonly segments: readonly Segment[] };

export const DEFAULT_ROUTE_KEY = '$default';

const VARIABLE = /^\{([A-Za-z0-9_.:-]+)(\+?)\}$/;
// Characters RFC 3986 allows in a path segment, less `%` (a route names decoded text).
const LITERAL = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]+$/;

function invalid(key: string, why: string): NimbusError {
  return new NimbusError('InvalidParameterValueException', `routeKey '${key}': ${why}`);
}

export function parseRouteKey(key: string): ParsedRouteKey {
  if (key === DEFAULT_ROUTE_KEY) return { kind: 'default' };
  const match = /^(\S+) (\S+)$/.exec(key);
  if (!match) throw invalid(key, "expected 'METHOD /path' (one space between them) or '$default'");
  const [, method = '', path = ''] = match;
  if (!(ROUTE_METHODS as readonly string[]).includes(method)) {
    throw invalid(key, `method must be one of ${ROUTE_METHODS.join(', ')} (upper case), got '${method}'`);
  }
  if (!path.startsWith('/')) throw invalid(key, "the path must start with '/'");
  if (path !== '/' && path.endsWith('/')) throw invalid(key, "the path must not end with '/'");
  const segments: Segment[] = [];
  const names = new Set<string>();
  const parts = path === '/' ? [] : path.slice(1).split('/');
  parts.forEach((part, index) => {
    if (part === '') throw invalid(key, 'the path has an empty segment (//)');
    const variable = VARIABLE.exec(part);
    if (variable) {
      const [, name = '', plus] = variable;
      if (names.has(name)) throw invalid(key, `the path variable {${name}} appears twice`);
      names.add(name);
      if (plus === '+' && index !== parts.length - 1) throw invalid(key, `the greedy variable {${name}+} must be the last segment`);
      segments.push(plus === '+' ? { kind: 'greedy', name } : { kind: 'variable', name });
      return;
    }
    if (part.includes('{') || part.includes('}')) {
      throw invalid(key, `'${part}': a path variable must be a whole segment, {name} or {name+}, with a name of letters, digits and _.:-`);
    }
    if (!LITERAL.test(part)) throw invalid(key, `'${part}' has a character a path segment cannot hold unencoded`);
    segments.push({ kind: 'literal', value: part });
  });
  return { kind: 'route', method: method as RouteMethod, segments };
}

/**
 * The key with variable names erased: two routes with the same shape would match the
 * same requests with the same precedence, so a table may hold only one of them.
 */
export function routeShape(parsed: ParsedRouteKey): string {
  if (parsed.kind === 'default') return DEFAULT_ROUTE_KEY;
  const path = parsed.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'variable' ? '{}' : '{+}')).join('/');
  return `${parsed.method} /${path}`;
}
