// The layer repository on a real SQLite store: version numbers grow per layer and are never
// reused, a deleted version is hidden but its zip stays referenced (functions still run it),
// and listings show each layer's newest live version.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewLayerVersion } from '../../src/store/layer-ports.js';
import { useTempStore } from '../helpers/temp-store.js';

const scope = { account: '000000000000', region: 'us-east-1' };
const layer = (name: string, blobKey: string): NewLayerVersion => ({
  ...scope, name, description: '', compatibleRuntimes: ['python3.12'], compatibleArchitectures: [], licenseInfo: undefined,
  code: { sha256: 'c2hh', blobKey, size: 10 }, unzippedSize: 20, createdDate: '2026-01-01T00:00:00.000+0000',
});

describe('layer repository', () => {
  const t = useTempStore();

  test('numbers grow per layer and are not reused after a delete; deleted versions are hidden but keep their blob', async () => {
    const { layers } = t.store;
    assert.equal((await layers.publish(layer('a', 'k1'))).version, 1);
    assert.equal((await layers.publish(layer('a', 'k2'))).version, 2);
    assert.equal((await layers.publish(layer('b', 'k3'))).version, 1);
    await layers.delete({ ...scope, name: 'a', version: 2 });
    assert.equal(await layers.get({ ...scope, name: 'a', version: 2 }), undefined);
    assert.equal((await layers.publish(layer('a', 'k4'))).version, 3);
    assert.deepEqual((await layers.listVersions(scope, 'a')).map((v) => v.version), [3, 1]);
    assert.deepEqual((await layers.listLatest(scope)).map((v) => [v.name, v.version]), [['a', 3], ['b', 1]]);
    assert.deepEqual([...(await layers.referencedBlobKeys())].sort(), ['k1', 'k2', 'k3', 'k4']);
    const got = await layers.get({ ...scope, name: 'a', version: 1 });
    assert.deepEqual(got?.compatibleRuntimes, ['python3.12']);
    assert.equal(got?.licenseInfo, undefined);
    assert.deepEqual(await layers.listLatest({ account: '111111111111', region: 'us-east-1' }), []);
  });
});
