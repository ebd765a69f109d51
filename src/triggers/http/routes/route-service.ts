// The HTTP API route tables: read, replaced whole, edited one route at a time. Every
// write is validated as a whole table and stored with a compare-and-swap on the
// revision, so two concurrent edits cannot lose one another. The request path reads a
// compiled table kept in memory and dropped on every write through this service (and, in
// a cluster, on the notice another node sends after its write: forget()).
import { randomUUID } from 'node:crypto';
import { NimbusError } from '../../../errors.js';
import type { RouteRepository } from '../../../store/ports.js';
import type { HttpRouteRecord, RouteTableRecord, Scope } from '../../../store/records.js';
import type { Clock } from '../../../util/time.js';
import { validateTable, type RouteTableDocument } from './route-document.js';
import { RouteMatcher } from './route-matcher.js';

export interface CompiledRouteTable {
  readonly table: RouteTableDocument;
  /** Changes with every write; keys the authorizer caches, so a new table starts them fresh. */
  readonly revision: string;
  readonly matcher: RouteMatcher<HttpRouteRecord>;
}

export interface RouteServiceDeps {
  readonly repository: RouteRepository;
  readonly clock: Clock;
  /** Called after a scope's table was written (cluster mode tells the other nodes). */
  readonly changed?: (scope: Scope) => void;
}

const EMPTY: RouteTableDocument = { routes: [], authorizers: {} };
const CAS_ATTEMPTS = 5;

function scopeKey(scope: Scope): string {
  return `${scope.account}/${scope.region}`;
}

export class RouteService {
  readonly #deps: RouteServiceDeps;
  readonly #compiled = new Map<string, Promise<CompiledRouteTable>>();

  constructor(deps: RouteServiceDeps) {
    this.#deps = deps;
  }

  /** The scope's table; an empty one (revision '') when none was ever written. */
  async get(scope: Scope): Promise<RouteTableRecord> {
    return (await this.#deps.repository.get(scope)) ?? { ...scope, ...EMPTY, revision: '', lastModified: 0 };
  }

  /** The table the request path matches against. */
  compiled(scope: Scope): Promise<CompiledRouteTable> {
    const key = scopeKey(scope);
    let entry = this.#compiled.get(key);
    if (!entry) {
      entry = this.get(scope).then((t) => ({
        table: t, revision: t.revision, matcher: new RouteMatcher(t.routes.map((route) => ({ routeKey: route.routeKey, route }))),
      }));
      this.#compiled.set(key, entry);
      entry.catch(() => this.#compiled.delete(key));
    }
    return entry;
  }

  /** Drops the compiled table of a scope (all scopes when undefined): the next request reads the store. */
  forget(scope: Scope | undefined): void {
    if (scope === undefined) this.#compiled.clear();
    else this.#compiled.delete(scopeKey(scope));
  }

  replace(scope: Scope, table: RouteTableDocument): Promise<RouteTableRecord> {
    return this.#update(scope, () => table);
  }

  /** Adds a route; 409 when its key (or an equivalent one) is taken. */
  addRoute(scope: Scope, route: HttpRouteRecord): Promise<RouteTableRecord> {
    return this.#update(scope, (current) => {
      if (current.routes.some((r) => r.routeKey === route.routeKey)) {
        throw new NimbusError('ResourceConflictException', `The route '${route.routeKey}' exists already; remove it first or replace the whole table`);
      }
      return { ...current, routes: [...current.routes, route] };
    });
  }

  /** Removes a route; 404 when there is none with this key. */
  removeRoute(scope: Scope, routeKey: string): Promise<RouteTableRecord> {
    return this.#update(scope, (current) => {
      if (!current.routes.some((r) => r.routeKey === routeKey)) {
        throw new NimbusError('ResourceNotFoundException', `No route '${routeKey}' in the route table`);
      }
      return { ...current, routes: current.routes.filter((r) => r.routeKey !== routeKey) };
    });
  }

  async #update(scope: Scope, change: (current: RouteTableDocument) => RouteTableDocument): Promise<RouteTableRecord> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const stored = await this.#deps.repository.get(scope);
      const next = validateTable(change(stored ?? EMPTY));
      const record: RouteTableRecord = { ...scope, routes: next.routes, authorizers: next.authorizers, revision: randomUUID(), lastModified: this.#deps.clock() };
      const won = await this.#deps.repository.put(record, stored?.revision);
      this.#compiled.delete(scopeKey(scope));
      if (won) {
        this.#deps.changed?.({ account: scope.account, region: scope.region });
        return record;
      }
    }
    throw new NimbusError('ResourceConflictException', 'The route table kept changing while this edit was applied; try again');
  }
}
