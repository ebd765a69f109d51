// RouteRepository on SQLite: one row per account and region holding the whole table as
// JSON; writes are a compare-and-swap on the revision.
import type { RouteRepository } from '../ports.js';
import type { RouteTableRecord } from '../records.js';
import type { Db } from './database.js';

interface TableRow { account: string; region: string; document: string; revision: string; last_modified: number }

export type Document = Pick<RouteTableRecord, 'routes' | 'authorizers'>;

/** JSON drops undefined members; reading puts them back so records compare equal. */
export function revive(doc: Document): Document {
  return {
    routes: doc.routes.map((r) => ({
      routeKey: r.routeKey, function: r.function, qualifier: r.qualifier ?? undefined, authorizer: r.authorizer ?? undefined,
      authorizationScopes: r.authorizationScopes ?? undefined,
    })),
    authorizers: Object.fromEntries(Object.entries(doc.authorizers).map(([name, a]) => [name, a.type === 'jwt'
      ? { type: 'jwt', issuer: a.issuer, audience: a.audience, jwksUri: a.jwksUri ?? undefined, jwksFile: a.jwksFile ?? undefined, identitySource: a.identitySource }
      : { type: 'lambda', function: a.function, qualifier: a.qualifier ?? undefined, identitySource: a.identitySource, resultTtlInSeconds: a.resultTtlInSeconds, enableSimpleResponses: a.enableSimpleResponses }])),
  };
}

export function createSqliteRouteRepository(db: Db): RouteRepository {
  const select = db.prepare('SELECT * FROM http_route_tables WHERE account = ? AND region = ?');
  const insert = db.prepare('INSERT INTO http_route_tables VALUES (@account, @region, @document, @revision, @lastModified) ON CONFLICT DO NOTHING');
  const update = db.prepare(`UPDATE http_route_tables SET document = @document, revision = @revision, last_modified = @lastModified
    WHERE account = @account AND region = @region AND revision = @expected`);
  return {
    get(scope) {
      const row = select.get(scope.account, scope.region) as TableRow | undefined;
      if (!row) return Promise.resolve(undefined);
      const doc = revive(JSON.parse(row.document) as Document);
      return Promise.resolve({ account: row.account, region: row.region, ...doc, revision: row.revision, lastModified: row.last_modified });
    },
    put(table, expectedRevision) {
      const params = {
        account: table.account, region: table.region, revision: table.revision, lastModified: table.lastModified,
        document: JSON.stringify({ routes: table.routes, authorizers: table.authorizers }),
      };
      const changes = expectedRevision === undefined ? insert.run(params).changes : update.run({ ...params, expected: expectedRevision }).changes;
      return Promise.resolve(changes === 1);
    },
  };
}
