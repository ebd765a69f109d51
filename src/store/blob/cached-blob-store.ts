// A BlobStore that fronts the cluster's shared store (PostgreSQL) with a local directory
// cache, so a node fetches a function's code zip once and then serves it from disk.
// Blobs are content-addressed and never change, so a cached copy never goes stale; what
// comes from the shared store is checked against its key before it is cached, so a
// corrupted row is refused rather than run (and never cached). Writes go to the shared
// store first: a blob is in the cache only if every node can fetch it.
import { createHash } from 'node:crypto';
import { NimbusError } from '../../errors.js';
import type { BlobStore } from '../ports.js';
import { createFsBlobStore } from './fs-blob-store.js';

export function createCachedBlobStore(shared: BlobStore, cacheDir: string): BlobStore {
  const cache = createFsBlobStore(cacheDir);
  return {
    async put(bytes) {
      const key = await shared.put(bytes);
      await cache.put(bytes);
      return key;
    },
    async get(key) {
      const cached = await cache.get(key);
      if (cached !== undefined) return cached;
      const bytes = await shared.get(key);
      if (bytes === undefined) return undefined;
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== key) throw new NimbusError('StoreCorrupt', `blob ${key} in the shared store has SHA-256 ${actual}; refusing it`);
      await cache.put(bytes);
      return bytes;
    },
    has: (key) => shared.has(key),
    async delete(key) {
      await shared.delete(key);
      await cache.delete(key);
    },
    keys: () => shared.keys(),
  };
}
