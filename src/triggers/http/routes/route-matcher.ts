// Picks the route for a request as API Gateway HTTP APIs do: the most specific path wins
// (compared segment by segment from the left: a literal beats a {variable}, which beats
// a {greedy+}), then a method-specific route beats ANY; `$default` catches the rest.
// Path parameters are percent-decoded.
import { DEFAULT_ROUTE_KEY, parseRouteKey, type ParsedRouteKey, type Segment } from './route-key.js';

export interface RouteMatch<T> {
  readonly route: T;
  readonly routeKey: string;
  /** Undefined when the route has no variables (the event then carries no pathParameters). */
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

interface Compiled<T> {
  readonly routeKey: string;
  readonly parsed: Extract<ParsedRouteKey, { kind: 'route' }>;
  readonly route: T;
}

const RANK = { literal: 0, variable: 1, greedy: 2 } as const;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a malformed escape is kept as sent
  }
}

/** The request path as segments, still encoded; one trailing slash is ignored. */
function splitPath(rawPath: string): string[] {
  const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  return trimmed === '/' || trimmed === '' ? [] : trimmed.replace(/^\//, '').split('/');
}

/** Per-segment ranks when the route matches, else undefined. */
function tryMatch(segments: readonly Segment[], parts: readonly string[], params: Record<string, string>): number[] | undefined {
  const ranks: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((p) => p === '')) return undefined; // {proxy+} needs at least one segment
      params[segment.name] = rest.map(decode).join('/');
      ranks.push(RANK.greedy);
      return ranks;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decode(part) !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decode(part);
    }
    ranks.push(RANK[segment.kind]);
  }
  return parts.length === segments.length ? ranks : undefined;
}

/** Lower is more specific: the first differing segment decides. */
function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return b.length - a.length; // equal so far: the longer (non-greedy) path is more specific
}

export class RouteMatcher<T> {
  readonly #routes: readonly Compiled<T>[];
  readonly #default: T | undefined;

  /** Keys must be valid (see parseRouteKey); the table's validation ensures it. */
  constructor(entries: readonly { readonly routeKey: string; readonly route: T }[]) {
    const routes: Compiled<T>[] = [];
    let fallback: T | undefined;
    for (const { routeKey, route } of entries) {
      const parsed = parseRouteKey(routeKey);
      if (parsed.kind === 'default') fallback = route;
      else routes.push({ routeKey, parsed, route });
    }
    this.#routes = routes;
    this.#default = fallback;
  }

  match(method: string, rawPath: string): RouteMatch<T> | undefined {
    const parts = splitPath(rawPath);
    let best: { compiled: Compiled<T>; ranks: number[]; params: Record<string, string> } | undefined;
    for (const compiled of this.#routes) {
      const { method: routeMethod, segments } = compiled.parsed;
      if (routeMethod !== 'ANY' && routeMethod !== method) continue;
      const params: Record<string, string> = {};
      const ranks = tryMatch(segments, parts, params);
      if (!ranks) continue;
      if (best) {
        const byPath = compareRanks(ranks, best.ranks);
        const byMethod = (routeMethod === 'ANY' ? 1 : 0) - (best.compiled.parsed.method === 'ANY' ? 1 : 0);
        if (byPath > 0 || (byPath === 0 && byMethod >= 0)) continue;
      }
      best = { compiled, ranks, params };
    }
    if (best) {
      const hasVariables = best.compiled.parsed.segments.some((s) => s.kind !== 'literal');
      return { route: best.compiled.route, routeKey: best.compiled.routeKey, pathParameters: hasVariables ? best.params : undefined };
    }
    return this.#default === undefined ? undefined : { route: this.#default, routeKey: DEFAULT_ROUTE_KEY, pathParameters: undefined };
  }
}
