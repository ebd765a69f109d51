// Picks the storage of a node from the configuration: the embedded SQLite store with blobs
// and object data in the data directory, or (cluster mode, store = postgres://…) one
// PostgreSQL database that every node shares — metadata, code zips and object bytes —
// with code cached in the data directory by hash.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { BlobStore, Store } from './ports.js';
import type { ObjectDataStore } from './s3-ports.js';
import { createFsBlobStore } from './blob/fs-blob-store.js';
import { createObjectDataStore } from './blob/object-data-store.js';
import { createCachedBlobStore } from './blob/cached-blob-store.js';
import { createPgBlobStore } from './blob/pg-blob-store.js';
import { createPgObjectDataStore } from './blob/pg-object-data-store.js';
import { createSqliteStore } from './sqlite/index.js';
import { openPostgres, type Pg } from './postgres/database.js';
import { createPostgresStore } from './postgres/index.js';

export interface Storage {
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly objectData: ObjectDataStore;
  /** Cluster mode: the shared database, for the node's coordination (src/cluster/). */
  readonly cluster: Pg | undefined;
}

export function isClusterStore(store: string): boolean {
  return /^postgres(ql)?:\/\//.test(store);
}

export async function openStorage(config: Pick<Config, 'dataDir' | 'store' | 'storeSchema' | 'storeConnections'>): Promise<Storage> {
  mkdirSync(config.dataDir, { recursive: true });
  if (isClusterStore(config.store)) {
    const db = await openPostgres(config.store, {
      schema: config.storeSchema === '' ? undefined : config.storeSchema, maxConnections: config.storeConnections,
    });
    return {
      store: createPostgresStore(db),
      blobs: createCachedBlobStore(createPgBlobStore(db), path.join(config.dataDir, 'blobs')),
      objectData: createPgObjectDataStore(db),
      cluster: db,
    };
  }
  const file = config.store.startsWith('sqlite:') ? config.store.slice('sqlite:'.length) : path.join(config.dataDir, 'nimbus.db');
  return {
    store: createSqliteStore(file),
    blobs: createFsBlobStore(path.join(config.dataDir, 'blobs')),
    objectData: await createObjectDataStore(path.join(config.dataDir, 'objects')),
    cluster: undefined,
  };
}
