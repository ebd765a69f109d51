// LayerRepository on PostgreSQL. Publishing bumps the layer's counter with one
// INSERT … ON CONFLICT DO UPDATE … RETURNING and inserts the version in the same
// transaction: the counter row stays locked until commit, so two nodes publishing the same
// layer at once get distinct numbers, and a number is never reused after a delete.
import type { LayerRepository, LayerVersionRecord } from '../layer-ports.js';
import { toRecord, type LayerVersionRow } from '../sqlite/layer-repository.js';
import type { Pg } from './database.js';

const KEY = 'account = $1 AND region = $2 AND name = $3';

export function createPostgresLayerRepository(db: Pg): LayerRepository {
  return {
    publish: (layer) =>
      db.transaction(async (tx): Promise<LayerVersionRecord> => {
        const bumped = await tx.row<{ last_version: number }>(`INSERT INTO layers (account, region, name, last_version) VALUES ($1, $2, $3, 1)
          ON CONFLICT (account, region, name) DO UPDATE SET last_version = layers.last_version + 1 RETURNING last_version`,
        [layer.account, layer.region, layer.name]);
        const version = (bumped as { last_version: number }).last_version;
        await tx.run(`INSERT INTO layer_versions (account, region, name, version, description, compatible_runtimes,
          compatible_architectures, license_info, code_sha256, code_blob_key, code_size, unzipped_size, created_date)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
          layer.account, layer.region, layer.name, version, layer.description, JSON.stringify(layer.compatibleRuntimes),
          JSON.stringify(layer.compatibleArchitectures), layer.licenseInfo ?? null, layer.code.sha256, layer.code.blobKey, layer.code.size,
          layer.unzippedSize, layer.createdDate,
        ]);
        return { ...layer, version };
      }),
    async get(key) {
      const row = await db.row<LayerVersionRow>(`SELECT * FROM layer_versions WHERE ${KEY} AND version = $4 AND deleted = 0`,
        [key.account, key.region, key.name, key.version]);
      return row ? toRecord(row) : undefined;
    },
    async listVersions(scope, name) {
      const rows = await db.rows<LayerVersionRow>(`SELECT * FROM layer_versions WHERE ${KEY} AND deleted = 0 ORDER BY version DESC`,
        [scope.account, scope.region, name]);
      return rows.map(toRecord);
    },
    async listLatest(scope) {
      const rows = await db.rows<LayerVersionRow>(`SELECT DISTINCT ON (name) * FROM layer_versions WHERE account = $1 AND region = $2 AND deleted = 0
        ORDER BY name, version DESC`, [scope.account, scope.region]);
      return rows.map(toRecord);
    },
    async delete(key) {
      await db.run(`UPDATE layer_versions SET deleted = 1 WHERE ${KEY} AND version = $4`, [key.account, key.region, key.name, key.version]);
    },
    async referencedBlobKeys() {
      const rows = await db.rows<{ key: string }>('SELECT DISTINCT code_blob_key AS key FROM layer_versions');
      return new Set(rows.map((r) => r.key));
    },
  };
}
