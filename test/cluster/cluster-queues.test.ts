// SQS across a cluster: queues and messages live in the shared database, so a message sent
// through one node is received through another, and a long poll waiting on one node is
// woken by a send on another (the cluster bus), not by its next look at the table.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { requirePostgres } from '../helpers/postgres.js';
import { createQueue, sqsClient } from '../helpers/sqs.js';

const skip = await requirePostgres();
if (skip) {
  test('cluster: SQS across nodes', { skip }, () => undefined);
} else {
  describe('cluster: SQS across nodes', () => {
    let cluster: Cluster;
    let a: SQSClient, b: SQSClient, c: SQSClient;
    before(async () => {
      cluster = await startCluster(3);
      [a, b, c] = cluster.nodes.map((n) => sqsClient(n)) as [SQSClient, SQSClient, SQSClient];
    });
    after(async () => {
      for (const client of [a, b, c]) client.destroy();
      await cluster.dispose();
    });

    test('a message sent through A is received through C, once', async () => {
      const url = await createQueue(a, 'across');
      const sent = await a.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'from A' }));
      const got = await c.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, VisibilityTimeout: 30 }));
      assert.deepEqual(got.Messages?.map((m) => [m.MessageId, m.Body]), [[sent.MessageId, 'from A']]);
      // Leased by C: nobody else gets it while it is invisible.
      const again = await b.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
      assert.equal(again.Messages?.length ?? 0, 0);
    });

    test('a long poll on C is woken by a send on B well before its 10 s wait ends', async () => {
      // Created through C: C's long poll finds the queue however its caches stand.
      const url = await createQueue(c, 'wake-up');
      const started = Date.now();
      const polling = c.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
      await new Promise((r) => setTimeout(r, 1000));
      const sentAt = Date.now();
      await b.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
      const got = await polling;
      const answeredAfterSend = Date.now() - sentAt;
      assert.deepEqual(got.Messages?.map((m) => m.Body), ['wake up']);
      assert.ok(Date.now() - started >= 900, 'the poll waited for the message rather than answering empty');
      assert.ok(answeredAfterSend < 5000, `the long poll answered ${answeredAfterSend} ms after the send`);
    });
  });
}
