// Schedules in a cluster: one node leads the ticker; when it is killed with SIGKILL another
// takes over, and every tick still fires exactly once. One-time at() schedules a few
// seconds apart stand in for ticks (rate() is at least a minute apart).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { admin, atExpression } from '../integration/schedule-support.js';
import { collectRecords, eventually, RECORDER_HANDLER, startCluster, type Cluster, type RunRecord } from '../helpers/cluster.js';
import { deploy } from '../helpers/functions.js';
import { requirePostgres } from '../helpers/postgres.js';
import type { RunningServer } from '../helpers/server.js';
import { createQueue, sqsClient } from '../helpers/sqs.js';

const SCHEDULES = 4;
const FIRST_IN_SECONDS = 8;
const APART_SECONDS = 6;

const skip = await requirePostgres();
if (skip) {
  test('cluster: schedules', { skip }, () => undefined);
} else {
  describe('cluster: schedules', () => {
    let cluster: Cluster;
    const clients: SQSClient[] = [];
    before(async () => {
      cluster = await startCluster(3);
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await cluster.dispose();
    });

    test('the schedule leader killed with SIGKILL: another node takes over and each schedule runs exactly once', { timeout: 90_000 }, async (t) => {
      const leader = await eventually('a node to lead schedules', () => cluster.leaderOf('schedules'));
      const survivor = cluster.nodes.find((n) => n !== leader) as RunningServer;
      const sqs = sqsClient(survivor);
      clients.push(sqs);
      const queueUrl = await createQueue(sqs, 'ticks');
      await deploy(survivor.lambda(), 'recorder', { 'index.js': RECORDER_HANDLER }, { timeout: 5, environment: { RECORD_QUEUE: 'ticks' } });

      const tags = Array.from({ length: SCHEDULES }, (_, i) => `once-${i}`);
      const due: number[] = [];
      for (const [i, tag] of tags.entries()) {
        const { expression, instant } = atExpression(FIRST_IN_SECONDS + i * APART_SECONDS);
        due.push(instant);
        const created = await admin(survivor, 'POST', '', { name: tag, expression, function: 'recorder', input: { tag } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }

      const records: RunRecord[] = [];
      await collectRecords(sqs, queueUrl, records, (r) => r.some((x) => x.tag === 'once-0'), 30_000);
      // Let the first event settle (a kill mid-delivery would deliver it again, at least once).
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(Date.now() < (due[1] as number) - 500, 'the leader is killed before the later schedules are due');
      await leader.stop('SIGKILL');
      t.diagnostic(`killed the leader, node-${cluster.nodes.indexOf(leader)}`);

      const next = await eventually('another node to lead schedules', () => cluster.leaderOf('schedules'), 15_000);
      assert.notEqual(next, leader);
      await collectRecords(sqs, queueUrl, records, (r) => tags.every((tag) => r.some((x) => x.tag === tag)), 45_000);
      // A second firing of any of them would show up within a few ticker rounds.
      await collectRecords(sqs, queueUrl, records, () => false, 4_000).catch(() => undefined);
      assert.deepEqual(records.map((r) => r.tag).sort(), tags);
    });
  });
}
