// The byte stores of a single node: BlobStore and ObjectDataStore in a directory (and the
// cached BlobStore over a directory standing in for the shared store).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCachedBlobStore } from '../../src/store/blob/cached-blob-store.js';
import { createFsBlobStore } from '../../src/store/blob/fs-blob-store.js';
import { createObjectDataStore } from '../../src/store/blob/object-data-store.js';
import { blobStoreContract } from './blob-store-contract.js';
import { objectDataContract } from './object-data-contract.js';

async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-bytes-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

blobStoreContract('fs', async () => {
  const { dir, cleanup } = await tempDir();
  return { blobs: createFsBlobStore(dir), cleanup };
});

blobStoreContract('cached over fs', async () => {
  const { dir, cleanup } = await tempDir();
  return { blobs: createCachedBlobStore(createFsBlobStore(path.join(dir, 'shared')), path.join(dir, 'cache')), cleanup };
});

objectDataContract('fs', async () => {
  const { dir, cleanup } = await tempDir();
  return { data: await createObjectDataStore(dir), cleanup };
});
