// The route table document (`nimbus routes apply routes.json`, PUT /nimbus/v1/routes):
// routes, and the authorizers they name. Parsed strictly — an unknown member is far more
// often a typo than a newer feature — and every error names the member at fault.
import { z } from 'zod';
import { NimbusError } from '../../../errors.js';
import type { AuthorizerRecord, HttpRouteRecord, RouteTableRecord } from '../../../store/records.js';
import { parseRouteKey, routeShape } from './route-key.js';

export type RouteTableDocument = Pick<RouteTableRecord, 'routes' | 'authorizers'>;

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
const AUTHORIZER_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** HTTP API identity sources: request headers and query strings, context and stage variables. */
const IDENTITY_SOURCE = /^\$(request\.(header|querystring)\.[^\s.][^\s]*|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;
export const MAX_RESULT_TTL_SECONDS = 3600;

const functionName = z.string().regex(FUNCTION_NAME, 'must be a function name: 1–64 letters, digits, - and _');
const qualifier = z.string().regex(QUALIFIER, "must be '$LATEST', a version or an alias name");
const identitySource = z.string().regex(IDENTITY_SOURCE, "must be '$request.header.NAME', '$request.querystring.NAME', '$context.NAME' or '$stageVariables.NAME'");

const routeSchema = z.strictObject({
  routeKey: z.string(),
  function: functionName,
  qualifier: qualifier.optional(),
  authorizer: z.string().optional(),
  authorizationScopes: z.array(z.string().min(1)).optional(),
});

const jwtSchema = z.strictObject({
  type: z.literal('jwt'),
  issuer: z.string().min(1),
  audience: z.array(z.string().min(1)).min(1, 'must list at least one audience'),
  jwksUri: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  jwksFile: z.string().startsWith('/', 'must be an absolute path').optional(),
  // API Gateway takes a one-element list; a plain string is accepted too.
  identitySource: z.union([identitySource, z.array(identitySource).length(1, 'a JWT authorizer takes exactly one identity source')]).optional(),
});

const lambdaSchema = z.strictObject({
  type: z.literal('lambda'),
  function: functionName,
  qualifier: qualifier.optional(),
  identitySource: z.union([identitySource, z.array(identitySource)]).optional(),
  resultTtlInSeconds: z.number().int().min(0).max(MAX_RESULT_TTL_SECONDS).optional(),
  enableSimpleResponses: z.boolean().optional(),
});

const documentSchema = z.strictObject({
  routes: z.array(routeSchema).default([]),
  authorizers: z.record(z.string().regex(AUTHORIZER_NAME, 'authorizer names are 1–128 letters, digits, - and _'), z.discriminatedUnion('type', [jwtSchema, lambdaSchema], {
    error: "must be 'jwt' or 'lambda'",
  })).default({}),
});

export type RouteInput = z.input<typeof routeSchema>;

function invalid(message: string): NimbusError {
  return new NimbusError('InvalidParameterValueException', message);
}

function parseWith<T extends z.ZodType>(schema: T, json: unknown, prefix: string): z.output<T> {
  const result = schema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [prefix, ...(issue?.path ?? [])].filter((p) => p !== '').map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || 'document';
  const why = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'is invalid');
  throw invalid(`${field}: ${why}`);
}

function toRoute(r: z.output<typeof routeSchema>): HttpRouteRecord {
  return { routeKey: r.routeKey, function: r.function, qualifier: r.qualifier, authorizer: r.authorizer, authorizationScopes: r.authorizationScopes };
}

function toAuthorizer(a: z.output<typeof jwtSchema> | z.output<typeof lambdaSchema>): AuthorizerRecord {
  const sources = a.identitySource === undefined ? undefined : typeof a.identitySource === 'string' ? [a.identitySource] : a.identitySource;
  if (a.type === 'jwt') {
    if (a.jwksUri !== undefined && a.jwksFile !== undefined) throw invalid('jwksUri and jwksFile: give one of them, not both');
    return {
      type: 'jwt', issuer: a.issuer, audience: a.audience, jwksUri: a.jwksUri, jwksFile: a.jwksFile,
      identitySource: sources?.[0] ?? '$request.header.Authorization',
    };
  }
  return {
    type: 'lambda', function: a.function, qualifier: a.qualifier, identitySource: sources ?? [],
    resultTtlInSeconds: a.resultTtlInSeconds ?? 300, enableSimpleResponses: a.enableSimpleResponses ?? true,
  };
}

/** Checks what one member cannot: keys, duplicates, references between routes and authorizers. */
export function validateTable(doc: RouteTableDocument): RouteTableDocument {
  for (const [name, a] of Object.entries(doc.authorizers)) {
    if (a.type === 'lambda' && a.resultTtlInSeconds > 0 && a.identitySource.length === 0) {
      throw invalid(`authorizers.${name}: caching (resultTtlInSeconds > 0) needs an identitySource to key the cache; set one, or resultTtlInSeconds to 0`);
    }
  }
  const shapes = new Map<string, string>();
  doc.routes.forEach((route, i) => {
    const field = `routes[${i}]`;
    const parsed = (() => {
      try {
        return parseRouteKey(route.routeKey);
      } catch (err) {
        throw invalid(`${field}.${(err as Error).message}`);
      }
    })();
    const shape = routeShape(parsed);
    const clash = shapes.get(shape);
    if (clash !== undefined) {
      throw new NimbusError('ResourceConflictException', clash === route.routeKey
        ? `${field}: the route '${route.routeKey}' is defined twice`
        : `${field}: '${route.routeKey}' matches the same requests as '${clash}' (only the variable names differ)`);
    }
    shapes.set(shape, route.routeKey);
    if (route.authorizer !== undefined) {
      const authorizer = doc.authorizers[route.authorizer];
      if (!authorizer) {
        const known = Object.keys(doc.authorizers);
        throw invalid(`${field}.authorizer: no authorizer named '${route.authorizer}' (${known.length === 0 ? 'the table defines none' : `defined: ${known.join(', ')}`})`);
      }
      if (route.authorizationScopes !== undefined && authorizer.type !== 'jwt') {
        throw invalid(`${field}.authorizationScopes: only routes with a JWT authorizer take scopes`);
      }
    } else if (route.authorizationScopes !== undefined) {
      throw invalid(`${field}.authorizationScopes: scopes need a JWT authorizer on the route`);
    }
  });
  return doc;
}

/** A whole table from its JSON form. */
export function parseRouteTable(json: unknown): RouteTableDocument {
  const doc = parseWith(documentSchema, json, '');
  return validateTable({
    routes: doc.routes.map(toRoute),
    authorizers: Object.fromEntries(Object.entries(doc.authorizers).map(([name, a]) => [name, toAuthorizer(a)])),
  });
}

/** One route from its JSON form (POST /nimbus/v1/routes); checked against its table when added. */
export function parseRoute(json: unknown): HttpRouteRecord {
  const route = toRoute(parseWith(routeSchema, json, ''));
  try {
    parseRouteKey(route.routeKey);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  return route;
}

/** The JSON form of a table: what GET returns and `apply` takes (undefined members left out). */
export function tableToJson(doc: RouteTableDocument): { routes: unknown[]; authorizers: Record<string, unknown> } {
  return JSON.parse(JSON.stringify({ routes: doc.routes, authorizers: doc.authorizers })) as { routes: unknown[]; authorizers: Record<string, unknown> };
}
