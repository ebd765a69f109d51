// `nimbus routes`: the HTTP API route table (docs/http-routes.md), over the admin API.
//   nimbus routes                                   list routes and authorizers
//   nimbus routes add "GET /users/{id}" users [--authorizer NAME] [--qualifier Q] [--scope S]…
//   nimbus routes remove "GET /users/{id}"
//   nimbus routes apply routes.json                 replace the whole table
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminRequest, type AdminTarget } from '../admin-request.js';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { CliError, booleanFlag, stringFlag, stringList, usageError, type CliCommand, type CliIo } from '../command.js';
import { table } from '../format.js';

interface RouteView { routeKey: string; function: string; qualifier?: string; authorizer?: string; authorizationScopes?: string[] }
type AuthorizerView = { type: 'jwt'; issuer: string; jwksUri?: string; jwksFile?: string } | { type: 'lambda'; function: string; resultTtlInSeconds: number };
interface TableView { routes: RouteView[]; authorizers: Record<string, AuthorizerView>; warnings?: string[]; message?: string; Message?: string }

/** A request to the routes part of the admin API; every answer is the whole table. */
async function call(target: AdminTarget, method: string, urlPath: string, body?: unknown): Promise<TableView> {
  return (await adminRequest<TableView>(target, method, urlPath, body)) as TableView;
}

function show(io: CliIo, view: TableView, endpoint: string, json: boolean): void {
  for (const warning of view.warnings ?? []) io.err(`warning: ${warning}`);
  if (json) {
    const { warnings: _w, ...rest } = view;
    io.out(JSON.stringify(rest, null, 2));
    return;
  }
  if (view.routes.length === 0) io.out('no routes');
  else {
    const rows = view.routes.map((r) => [
      r.routeKey, r.qualifier === undefined ? r.function : `${r.function}:${r.qualifier}`,
      r.authorizer === undefined ? '-' : r.authorizationScopes === undefined ? r.authorizer : `${r.authorizer} (${r.authorizationScopes.join(' ')})`,
    ]);
    for (const line of table(['ROUTE', 'FUNCTION', 'AUTHORIZER'], rows)) io.out(line);
  }
  const authorizers = Object.entries(view.authorizers);
  if (authorizers.length > 0) {
    io.out('');
    const rows = authorizers.map(([name, a]) => [name, a.type, a.type === 'jwt' ? `${a.issuer} keys ${a.jwksUri ?? a.jwksFile ?? '(OIDC discovery)'}` : `function ${a.function}, cache ${a.resultTtlInSeconds}s`]);
    for (const line of table(['AUTHORIZER', 'TYPE', 'DETAILS'], rows)) io.out(line);
  }
  if (view.routes.length > 0) io.out(`\nserved at ${endpoint}/http/…`);
}

/** The document of `apply`, with relative jwksFile paths made absolute against the file's directory. */
async function readDocument(file: string, cwd: string): Promise<unknown> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, 1);
  }
  const authorizers = (doc as { authorizers?: unknown } | null)?.authorizers;
  if (typeof authorizers === 'object' && authorizers !== null) {
    for (const a of Object.values(authorizers as Record<string, { jwksFile?: unknown }>)) {
      if (typeof a === 'object' && a !== null && typeof a.jwksFile === 'string' && !path.isAbsolute(a.jwksFile)) a.jwksFile = path.resolve(path.dirname(full), a.jwksFile);
    }
  }
  return doc;
}

export const routesCommand: CliCommand = {
  name: 'routes',
  summary: 'Show or change the HTTP API route table',
  usage: [
    'routes [list | add "METHOD /path" FUNCTION | remove "METHOD /path" | apply FILE] [options]',
    '',
    '  routes                          list the routes and authorizers',
    '  routes add KEY FUNCTION         add a route: KEY is "GET /users/{id}", "ANY /api/{proxy+}" or "$default"',
    '  routes remove KEY               remove a route',
    '  routes apply FILE               replace the whole table with a JSON document (docs/http-routes.md)',
    '',
    'options:',
    '  --authorizer NAME  (add) protect the route with an authorizer of the table',
    '  --qualifier Q      (add) invoke this version or alias of the function',
    '  --scope S          (add, repeatable) a scope the JWT must carry',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: { ...API_OPTIONS, authorizer: { type: 'string' }, qualifier: { type: 'string' }, scope: { type: 'string', multiple: true } },
  async run({ values, positionals, io }) {
    const [action = 'list', ...args] = positionals;
    const expect = (count: number, what: string): void => {
      if (args.length !== count) throw usageError(`routes ${action} takes ${what}, got ${args.length} argument(s)`);
    };
    const editsOnly = ['authorizer', 'qualifier', 'scope'].filter((o) => values[o] !== undefined);
    if (action !== 'add' && editsOnly.length > 0) throw usageError(`--${editsOnly[0] ?? ''} goes with 'routes add'`);
    const api = connect(values, io.env);
    const json = booleanFlag(values, 'json');
    switch (action) {
      case 'list':
        expect(0, 'no arguments');
        show(io, await call(api, 'GET', '/routes'), api.endpoint, json);
        return 0;
      case 'add': {
        expect(2, 'a route key and a function name');
        const scopes = stringList(values, 'scope');
        const route = {
          routeKey: args[0], function: args[1], qualifier: stringFlag(values, 'qualifier'), authorizer: stringFlag(values, 'authorizer'),
          authorizationScopes: scopes.length > 0 ? scopes : undefined,
        };
        const view = await call(api, 'POST', '/routes', route);
        if (json) show(io, view, api.endpoint, true);
        else {
          for (const warning of view.warnings ?? []) io.err(`warning: ${warning}`);
          io.out(`added ${args[0] ?? ''} → ${args[1] ?? ''}`);
        }
        return 0;
      }
      case 'remove': {
        expect(1, 'a route key');
        const view = await call(api, 'DELETE', `/routes/${encodeURIComponent(args[0] ?? '')}`);
        if (json) show(io, view, api.endpoint, true);
        else io.out(`removed ${args[0] ?? ''}`);
        return 0;
      }
      case 'apply': {
        expect(1, 'a JSON file');
        const view = await call(api, 'PUT', '/routes', await readDocument(args[0] ?? '', io.cwd));
        if (json) show(io, view, api.endpoint, true);
        else {
          for (const warning of view.warnings ?? []) io.err(`warning: ${warning}`);
          io.out(`applied ${view.routes.length} route(s) and ${Object.keys(view.authorizers).length} authorizer(s) from ${args[0] ?? ''}`);
        }
        return 0;
      }
      default:
        throw usageError(`unknown action '${action}': expected list, add, remove or apply`);
    }
  },
};
