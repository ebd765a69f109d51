// Cluster-mode guarantees of the PostgreSQL event queue and schedules that a single-node
// contract cannot show: several nodes (each its own store and pool on one schema) leasing
// and firing at the same moment never take the same event or fire the same tick twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { AsyncEvent, Scope } from '../../src/store/records.js';
import type { ScheduleRecord } from '../../src/store/schedule-ports.js';
import { TEST_POSTGRES_URL, dropSchema, freshSchema, requirePostgres } from '../helpers/postgres.js';

const scope: Scope = { account: '000000000000', region: 'us-east-1' };

function event(id: string, name: string, notBefore: number): AsyncEvent {
  return {
    ...scope, name, id, qualifier: undefined, payload: Buffer.from('{}'), source: 'async', createdAt: notBefore, status: 'queued',
    attempts: 0, tries: 0, notBefore, leaseOwner: undefined, leaseUntil: undefined, lastError: undefined, updatedAt: notBefore,
  };
}

function schedule(name: string): ScheduleRecord {
  return {
    ...scope, name, expression: 'rate(1 minute)', timezone: 'UTC', state: 'ENABLED', description: '',
    target: { functionName: 'fn', qualifier: undefined, input: undefined }, anchorAt: 1000, nextFireAt: 1000, lastFiredAt: undefined,
    revision: 'rev', createdAt: 1, lastModified: 1,
  };
}

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL event queue across nodes', { skip }, () => undefined);
} else {
  describe('PostgreSQL event queue and schedules across nodes', () => {
    const schema = freshSchema();
    let nodes: Store[] = [];
    before(async () => {
      nodes = [await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 3 })];
      for (let i = 1; i < 4; i++) nodes.push(await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 3 }));
    });
    after(async () => {
      for (const node of nodes) await node.close();
      await dropSchema(schema);
    });

    test('nodes leasing at once never lease one event twice, and each lease honours the per-function cap', async () => {
      const events = Array.from({ length: 240 }, (_, i) => event(`e${i}`, `fn-${i % 6}`, i));
      await nodes[0]?.events.enqueue(events);
      const leased: string[] = [];
      await Promise.all(nodes.map(async (node, n) => {
        for (let round = 0; round < 40; round++) {
          const batch = await node.events.lease(`node-${n}`, 10_000, 60_000, 12, 3);
          const perFunction = new Map<string, number>();
          for (const e of batch) perFunction.set(e.name, (perFunction.get(e.name) ?? 0) + 1);
          assert.ok([...perFunction.values()].every((count) => count <= 3), 'at most 3 of one function per lease');
          leased.push(...batch.map((e) => e.id));
        }
      }));
      assert.equal(new Set(leased).size, leased.length, 'no event leased twice');
      assert.equal(leased.length, 240, 'every event leased');
    });

    test('nodes firing one tick at once fire it once and enqueue one event', async () => {
      for (let i = 0; i < 10; i++) {
        const current = schedule(`s${i}`);
        await nodes[0]?.schedules.create(current);
        const fired = await Promise.all(nodes.map((node, n) =>
          node.schedules.fire({ schedule: current, tick: 1000, next: 61_000, event: { ...event(`tick-${i}-${n}`, 'ticked', 1000) } })));
        assert.equal(fired.filter(Boolean).length, 1, `schedule s${i} fired once`);
      }
      assert.equal((await nodes[1]?.events.list({ ...scope, name: 'ticked', limit: 100 }))?.length, 10);
    });
  });
}
