// The BlobStore contract (store/ports.ts): content-addressed code zips. Every BlobStore
// implementation passes these; call blobStoreContract() from an implementation's test file.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BlobStore } from '../../src/store/ports.js';

export interface BlobStoreFixture {
  readonly blobs: BlobStore;
  cleanup(): Promise<void>;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function blobStoreContract(implementation: string, open: () => Promise<BlobStoreFixture>): void {
  describe(`blob store contract: ${implementation}`, () => {
    let fixture: BlobStoreFixture;
    let blobs: BlobStore;
    before(async () => {
      fixture = await open();
      blobs = fixture.blobs;
    });
    after(async () => fixture.cleanup());

    test('put returns the hex SHA-256 and get returns the same bytes', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const key = await blobs.put(bytes);
      assert.equal(key, sha256(bytes));
      assert.deepEqual(await blobs.get(key), bytes);
      assert.equal(await blobs.has(key), true);
      const empty = await blobs.put(Buffer.alloc(0));
      assert.equal(empty, sha256(Buffer.alloc(0)));
      assert.deepEqual(await blobs.get(empty), Buffer.alloc(0));
    });

    test('putting the same bytes twice stores them once', async () => {
      const bytes = Buffer.from('the same zip, uploaded twice');
      const [a, b] = await Promise.all([blobs.put(bytes), blobs.put(Buffer.from(bytes))]);
      assert.equal(a, b);
      assert.equal(await blobs.put(bytes), a);
      assert.equal((await blobs.keys()).filter((k) => k === a).length, 1);
      assert.deepEqual(await blobs.get(a), bytes);
    });

    test('a missing key is absent: get undefined, has false, delete a no-op', async () => {
      const missing = sha256(Buffer.from('never stored'));
      assert.equal(await blobs.get(missing), undefined);
      assert.equal(await blobs.has(missing), false);
      await blobs.delete(missing);
      assert.equal((await blobs.keys()).includes(missing), false);
    });

    test('delete removes the blob and leaves the others', async () => {
      const gone = await blobs.put(Buffer.from('to delete'));
      const kept = await blobs.put(Buffer.from('to keep'));
      await blobs.delete(gone);
      assert.equal(await blobs.get(gone), undefined);
      assert.equal(await blobs.has(gone), false);
      assert.deepEqual(await blobs.get(kept), Buffer.from('to keep'));
      const keys = await blobs.keys();
      assert.equal(keys.includes(gone), false);
      assert.equal(keys.includes(kept), true);
    });

    test('keys lists every stored blob', async () => {
      const put = await Promise.all(['k1', 'k2', 'k3'].map((s) => blobs.put(Buffer.from(`keys ${s}`))));
      const keys = new Set(await blobs.keys());
      for (const key of put) assert.ok(keys.has(key), key);
      for (const key of keys) assert.match(key, /^[0-9a-f]{64}$/);
    });
  });
}
