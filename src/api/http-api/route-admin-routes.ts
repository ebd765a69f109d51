// The route table's admin API, under /nimbus/v1/routes (docs/http-routes.md):
//   GET                      the caller's table
//   PUT                      replace the whole table with the JSON document in the body
//   POST                     add one route ({routeKey, function, qualifier?, authorizer?})
//   DELETE /{routeKey}       remove one route (the key URL-encoded: GET%20%2Fitems)
// Each answers with the table as it now is, plus warnings for functions that do not exist
// (yet: a route may be declared before its function is deployed).
import { NimbusError } from '../../errors.js';
import type { FunctionKey, RouteTableRecord, Scope } from '../../store/records.js';
import { parseRoute, parseRouteTable, tableToJson } from '../../triggers/http/routes/route-document.js';
import type { RouteService } from '../../triggers/http/routes/route-service.js';
import type { ApiResponse, Route } from '../http/types.js';

const MAX_DOCUMENT_BYTES = 1024 * 1024;

export interface RouteAdminDeps {
  readonly routes: RouteService;
  readonly functionExists: (key: FunctionKey) => Promise<boolean>;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new NimbusError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
}

async function render(deps: RouteAdminDeps, scope: Scope, table: RouteTableRecord, status = 200): Promise<ApiResponse> {
  const names = new Set([
    ...table.routes.map((r) => r.function),
    ...Object.values(table.authorizers).flatMap((a) => (a.type === 'lambda' ? [a.function] : [])),
  ]);
  const warnings: string[] = [];
  for (const name of [...names].sort()) {
    if (!(await deps.functionExists({ ...scope, name }))) warnings.push(`function '${name}' does not exist (yet); its routes answer 500 until it does`);
  }
  return {
    status,
    body: {
      ...tableToJson(table), revision: table.revision === '' ? undefined : table.revision,
      lastModified: table.lastModified === 0 ? undefined : new Date(table.lastModified).toISOString(),
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  };
}

export function routeAdminRoutes(deps: RouteAdminDeps): Route[] {
  return [
    {
      method: 'GET', path: '/nimbus/v1/routes', maxBodyBytes: 0,
      async handle(req) {
        return render(deps, req.scope, await deps.routes.get(req.scope));
      },
    },
    {
      method: 'PUT', path: '/nimbus/v1/routes', maxBodyBytes: MAX_DOCUMENT_BYTES, errorLabel: 'PutRoutes',
      async handle(req) {
        return render(deps, req.scope, await deps.routes.replace(req.scope, parseRouteTable(parseJson(req.body))));
      },
    },
    {
      method: 'POST', path: '/nimbus/v1/routes', maxBodyBytes: MAX_DOCUMENT_BYTES, errorLabel: 'AddRoute',
      async handle(req) {
        return render(deps, req.scope, await deps.routes.addRoute(req.scope, parseRoute(parseJson(req.body))), 201);
      },
    },
    {
      method: 'DELETE', path: '/nimbus/v1/routes/:routeKey', maxBodyBytes: 0,
      async handle(req) {
        return render(deps, req.scope, await deps.routes.removeRoute(req.scope, req.params.routeKey ?? ''));
      },
    },
  ];
}
