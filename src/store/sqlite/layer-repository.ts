// LayerRepository on SQLite. Publishing bumps the layer's counter and inserts the version
// in one transaction, so two concurrent publishes never get the same number.
import type { LayerRepository, LayerVersionRecord } from '../layer-ports.js';
import type { Db } from './database.js';

export interface LayerVersionRow {
  account: string; region: string; name: string; version: number; description: string; compatible_runtimes: string;
  compatible_architectures: string; license_info: string | null; code_sha256: string; code_blob_key: string; code_size: number;
  unzipped_size: number; created_date: string;
}

export function toRecord(r: LayerVersionRow): LayerVersionRecord {
  return {
    account: r.account, region: r.region, name: r.name, version: r.version, description: r.description,
    compatibleRuntimes: JSON.parse(r.compatible_runtimes) as string[], compatibleArchitectures: JSON.parse(r.compatible_architectures) as string[],
    licenseInfo: r.license_info ?? undefined, code: { sha256: r.code_sha256, blobKey: r.code_blob_key, size: r.code_size },
    unzippedSize: r.unzipped_size, createdDate: r.created_date,
  };
}

const KEY = 'account = @account AND region = @region AND name = @name';

export function createSqliteLayerRepository(db: Db): LayerRepository {
  const bump = db.prepare(`INSERT INTO layers (account, region, name, last_version) VALUES (@account, @region, @name, 1)
    ON CONFLICT (account, region, name) DO UPDATE SET last_version = last_version + 1 RETURNING last_version`);
  const insert = db.prepare(`INSERT INTO layer_versions (account, region, name, version, description, compatible_runtimes,
    compatible_architectures, license_info, code_sha256, code_blob_key, code_size, unzipped_size, created_date)
    VALUES (@account, @region, @name, @version, @description, @compatibleRuntimes, @compatibleArchitectures, @licenseInfo,
    @sha256, @blobKey, @size, @unzippedSize, @createdDate)`);
  const select = db.prepare(`SELECT * FROM layer_versions WHERE ${KEY} AND version = @version AND deleted = 0`);
  const versions = db.prepare(`SELECT * FROM layer_versions WHERE ${KEY} AND deleted = 0 ORDER BY version DESC`);
  const latest = db.prepare(`SELECT v.* FROM layer_versions v WHERE v.account = ? AND v.region = ? AND v.deleted = 0 AND v.version =
    (SELECT MAX(version) FROM layer_versions w WHERE w.account = v.account AND w.region = v.region AND w.name = v.name AND w.deleted = 0)
    ORDER BY v.name`);
  const remove = db.prepare(`UPDATE layer_versions SET deleted = 1 WHERE ${KEY} AND version = @version`);
  const blobKeys = db.prepare('SELECT DISTINCT code_blob_key AS key FROM layer_versions');
  const publish = db.transaction((layer: Parameters<LayerRepository['publish']>[0]): LayerVersionRecord => {
    const { last_version: version } = bump.get({ account: layer.account, region: layer.region, name: layer.name }) as { last_version: number };
    insert.run({
      account: layer.account, region: layer.region, name: layer.name, version, description: layer.description,
      compatibleRuntimes: JSON.stringify(layer.compatibleRuntimes), compatibleArchitectures: JSON.stringify(layer.compatibleArchitectures),
      licenseInfo: layer.licenseInfo ?? null, sha256: layer.code.sha256, blobKey: layer.code.blobKey, size: layer.code.size,
      unzippedSize: layer.unzippedSize, createdDate: layer.createdDate,
    });
    return { ...layer, version };
  });
  return {
    publish: (layer) => Promise.resolve(publish(layer)),
    get: (key) => {
      const row = select.get({ account: key.account, region: key.region, name: key.name, version: key.version }) as LayerVersionRow | undefined;
      return Promise.resolve(row ? toRecord(row) : undefined);
    },
    listVersions: (scope, name) => Promise.resolve((versions.all({ account: scope.account, region: scope.region, name }) as LayerVersionRow[]).map(toRecord)),
    listLatest: (scope) => Promise.resolve((latest.all(scope.account, scope.region) as LayerVersionRow[]).map(toRecord)),
    delete: (key) => {
      remove.run({ account: key.account, region: key.region, name: key.name, version: key.version });
      return Promise.resolve();
    },
    referencedBlobKeys: () => Promise.resolve(new Set((blobKeys.all() as { key: string }[]).map((r) => r.key))),
  };
}
