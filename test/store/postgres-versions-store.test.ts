// The versions, aliases and provisioned concurrency contract on PostgreSQL, and what
// cluster mode adds to it: two nodes (two pools on one database) racing on the same
// function get distinct version numbers and exactly one compare-and-swap winner.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import type { FunctionRecord } from '../../src/store/records.js';
import { openPostgresFixture, openPostgresNodes, requirePostgres } from '../helpers/postgres.js';
import { versionsContract } from './versions-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL versions contract', { skip }, () => undefined);
} else {
  versionsContract('postgres', openPostgresFixture);
  describe('versions on PostgreSQL: two nodes at once', () => {
    let cluster: Awaited<ReturnType<typeof openPostgresNodes>>;
    let nodes: readonly Store[] = [];
    before(async () => {
      cluster = await openPostgresNodes(2);
      nodes = cluster.nodes;
    });
    after(async () => cluster.cleanup());

    const record = (name: string): FunctionRecord => ({
      account: '000000000000', region: 'us-east-1', name, createdAt: 1, tags: {}, reservedConcurrency: undefined,
      latest: {
        account: '000000000000', region: 'us-east-1', name, version: '$LATEST', revisionId: 'rev-1', lastModified: '2026-01-01T00:00:00.000+0000',
        settings: {
          runtime: 'nodejs20.x', handler: 'index.handler', role: 'arn:aws:iam::000000000000:role/r', description: '', timeout: 3,
          memorySize: 128, ephemeralStorageMb: 512, environment: undefined, architectures: ['x86_64'], tracingMode: 'PassThrough',
          logFormat: 'Text', logGroup: undefined, deadLetterTargetArn: undefined,
        },
        code: { sha256: 'c2hh', blobKey: 'b'.repeat(64), size: 10 },
        state: 'Active', stateReason: undefined, stateReasonCode: undefined,
        lastUpdateStatus: 'Successful', lastUpdateStatusReason: undefined, lastUpdateStatusReasonCode: undefined,
      },
    });

    test('publishes racing on two nodes get distinct, gapless numbers', async () => {
      const fn = record('race');
      assert.equal(await nodes[0]?.functions.create(fn), true);
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        (nodes[i % 2] as Store).versions.publish(fn.latest, `digest-${i}`, 'rev-1')));
      const numbers = outcomes.map((o) => (o.kind === 'published' ? Number(o.version.version) : -1)).sort((a, b) => a - b);
      assert.deepEqual(numbers, Array.from({ length: 12 }, (_, i) => i + 1));
    });

    test('replaceLatest racing on two nodes has exactly one winner', async () => {
      const fn = record('cas');
      await nodes[0]?.functions.create(fn);
      const wins = await Promise.all(Array.from({ length: 6 }, (_, i) =>
        (nodes[i % 2] as Store).functions.replaceLatest({ ...fn.latest, revisionId: `rev-${i + 2}` }, 'rev-1')));
      assert.equal(wins.filter(Boolean).length, 1);
    });
  });
}
