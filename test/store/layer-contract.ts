// The layer repository's contract (store/layer-ports.ts): every LayerRepository
// implementation passes these — version numbers grow per layer, are distinct under
// concurrent publishes and never reused after a delete; a deleted version is hidden but its
// zip stays referenced (functions configured with it still run it); listings show each
// layer's newest live version. Call layerContract() from an implementation's test file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LayerRepository, NewLayerVersion } from '../../src/store/layer-ports.js';
import type { StoreFixture } from './store-contract.js';

const scope = { account: '000000000000', region: 'us-east-1' };

function layer(name: string, blobKey: string, over: Partial<NewLayerVersion> = {}): NewLayerVersion {
  return {
    ...scope, name, description: '', compatibleRuntimes: ['python3.12'], compatibleArchitectures: [], licenseInfo: undefined,
    code: { sha256: 'c2hh', blobKey, size: 10 }, unzippedSize: 20, createdDate: '2026-01-01T00:00:00.000+0000', ...over,
  };
}

export function layerContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`layer repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let layers: LayerRepository;
    before(async () => {
      fixture = await open();
      layers = fixture.store.layers;
    });
    after(() => fixture.cleanup());

    test('numbers grow per layer and are not reused after a delete; deleted versions are hidden but keep their blob', async () => {
      assert.equal((await layers.publish(layer('a', 'k1'))).version, 1);
      assert.equal((await layers.publish(layer('a', 'k2'))).version, 2);
      assert.equal((await layers.publish(layer('b', 'k3'))).version, 1);
      await layers.delete({ ...scope, name: 'a', version: 2 });
      assert.equal(await layers.get({ ...scope, name: 'a', version: 2 }), undefined);
      assert.equal((await layers.publish(layer('a', 'k4'))).version, 3);
      assert.deepEqual((await layers.listVersions(scope, 'a')).map((v) => v.version), [3, 1]);
      assert.deepEqual((await layers.listLatest(scope)).map((v) => [v.name, v.version]), [['a', 3], ['b', 1]]);
      assert.deepEqual([...(await layers.referencedBlobKeys())].sort(), ['k1', 'k2', 'k3', 'k4']);
      assert.deepEqual(await layers.listLatest({ account: '111111111111', region: 'us-east-1' }), []);
    });

    test('a version reads back as published', async () => {
      const published = await layers.publish(layer('full', 'k5', {
        description: 'all fields', compatibleRuntimes: ['nodejs20.x', 'python3.12'], compatibleArchitectures: ['arm64'], licenseInfo: 'MIT',
        code: { sha256: 'abc=', blobKey: 'k5', size: 5_000_000_000 }, unzippedSize: 6_000_000_000,
      }));
      assert.deepEqual(await layers.get({ ...scope, name: 'full', version: published.version }), published);
      const plain = await layers.publish(layer('full', 'k6'));
      assert.deepEqual(await layers.get({ ...scope, name: 'full', version: plain.version }), plain);
      assert.equal(plain.licenseInfo, undefined);
      assert.equal(await layers.get({ ...scope, region: 'eu-west-1', name: 'full', version: 1 }), undefined);
    });

    test('listLatest falls back to the newest live version, drops fully deleted layers and sorts names bytewise', async () => {
      const s = { account: '222222222222', region: 'us-east-1' };
      for (const name of ['lower', 'Upper', 'gone']) await layers.publish(layer(name, `k-${name}`, s));
      await layers.publish(layer('lower', 'k-lower-2', s));
      await layers.delete({ ...s, name: 'lower', version: 2 });
      await layers.delete({ ...s, name: 'gone', version: 1 });
      assert.deepEqual((await layers.listLatest(s)).map((v) => [v.name, v.version]), [['Upper', 1], ['lower', 1]]);
      assert.deepEqual(await layers.listVersions(s, 'gone'), []);
      assert.equal((await layers.publish(layer('gone', 'k-gone-2', s))).version, 2);
    });

    test('concurrent publishes of one layer get distinct numbers', async () => {
      const published = await Promise.all(Array.from({ length: 8 }, (_, i) => layers.publish(layer('busy', `busy-${i}`))));
      assert.deepEqual(published.map((v) => v.version).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal((await layers.listVersions(scope, 'busy')).length, 8);
    });

    test('survives a reopen', async () => {
      const before = await layers.listLatest(scope);
      layers = (await fixture.reopen()).layers;
      assert.deepEqual(await layers.listLatest(scope), before);
      assert.equal((await layers.publish(layer('a', 'k7'))).version, 4);
    });
  });
}
