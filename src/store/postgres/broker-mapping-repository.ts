// BrokerMappingRepository on PostgreSQL. update() is one conditional UPDATE on the revision,
// so two nodes changing a mapping at once cannot both win; the runtime's reports
// (setResult) do not touch the revision. Rows are read by the SQLite mapper.
import type { BrokerMappingRepository } from '../broker-mapping-ports.js';
import { BROKER_MAPPING_COLUMNS, brokerMappingValues, toBrokerMapping, type BrokerMappingRow } from '../sqlite/broker-mapping-repository.js';
import type { Pg } from './database.js';

const UPDATED = BROKER_MAPPING_COLUMNS.slice(4);

export function createPostgresBrokerMappingRepository(db: Pg): BrokerMappingRepository {
  return {
    async create(mapping) {
      return (await db.run(`INSERT INTO broker_mappings (${BROKER_MAPPING_COLUMNS.join(', ')})
        VALUES (${BROKER_MAPPING_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`, brokerMappingValues(mapping))) === 1;
    },
    async get(uuid) {
      const row = await db.row<BrokerMappingRow>('SELECT * FROM broker_mappings WHERE uuid = $1', [uuid]);
      return row ? toBrokerMapping(row) : undefined;
    },
    async list(scope) {
      return (await db.rows<BrokerMappingRow>('SELECT * FROM broker_mappings WHERE account = $1 AND region = $2 ORDER BY seq', [scope.account, scope.region]))
        .map(toBrokerMapping);
    },
    async all() {
      return (await db.rows<BrokerMappingRow>('SELECT * FROM broker_mappings ORDER BY seq')).map(toBrokerMapping);
    },
    async update(next, expectedRevision) {
      const sets = UPDATED.map((c, i) => `${c} = $${i + 1}`).join(', ');
      const n = UPDATED.length;
      return (await db.run(`UPDATE broker_mappings SET ${sets} WHERE uuid = $${n + 1} AND revision = $${n + 2}`,
        [...brokerMappingValues(next).slice(4), next.uuid, expectedRevision])) === 1;
    },
    async setResult(uuid, lastProcessingResult, lastError) {
      await db.run('UPDATE broker_mappings SET last_processing_result = $1, last_error = $2 WHERE uuid = $3', [lastProcessingResult, lastError ?? null, uuid]);
    },
    async delete(uuid) {
      return (await db.run('DELETE FROM broker_mappings WHERE uuid = $1', [uuid])) === 1;
    },
  };
}
