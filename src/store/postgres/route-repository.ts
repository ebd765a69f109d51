// RouteRepository on PostgreSQL: one row per account and region holding the whole table as
// JSON. Each write is one statement: the first table an INSERT that loses on conflict,
// later ones an UPDATE conditional on the revision, so concurrent edits cannot both win.
import type { RouteRepository } from '../ports.js';
import { revive, type Document } from '../sqlite/route-repository.js';
import type { Pg } from './database.js';

interface TableRow { account: string; region: string; document: string; revision: string; last_modified: number }

export function createPostgresRouteRepository(db: Pg): RouteRepository {
  return {
    async get(scope) {
      const row = await db.row<TableRow>('SELECT * FROM http_route_tables WHERE account = $1 AND region = $2', [scope.account, scope.region]);
      if (!row) return undefined;
      const doc = revive(JSON.parse(row.document) as Document);
      return { account: row.account, region: row.region, ...doc, revision: row.revision, lastModified: row.last_modified };
    },
    async put(table, expectedRevision) {
      const params = [table.account, table.region, JSON.stringify({ routes: table.routes, authorizers: table.authorizers }), table.revision, table.lastModified];
      const changed = expectedRevision === undefined
        ? await db.run('INSERT INTO http_route_tables (account, region, document, revision, last_modified) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', params)
        : await db.run(
          `UPDATE http_route_tables SET document = $3, revision = $4, last_modified = $5
           WHERE account = $1 AND region = $2 AND revision = $6`,
          [...params, expectedRevision],
        );
      return changed === 1;
    },
  };
}
