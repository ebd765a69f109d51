// examples/fan-out runs end to end as its README shows: CLI deploys, a destination to the
// reducer, an invoke of the coordinator, and the reduced sum in the reducer's log.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { nimbus } from '../helpers/cli.js';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => server.dispose());

test('the fan-out example sums 1..1000 across 8 workers', async () => {
  for (const part of ['coordinator', 'worker', 'reducer']) {
    const deployed = await nimbus(['deploy', path.join(REPO_ROOT, 'examples', 'fan-out', part), '--name', `fanout-${part}`, '--handler', 'index.handler', '--endpoint', server.url]);
    assert.equal(deployed.code, 0, deployed.stderr);
  }
  const lambda = server.lambda();
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'fanout-worker', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:fanout-reducer' } },
  }));
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'fanout-reducer', ReservedConcurrentExecutions: 1 }));

  const invoked = await nimbus(['invoke', 'fanout-coordinator', '--payload', '{"count": 1000, "chunks": 8, "jobId": "demo"}', '--endpoint', server.url]);
  assert.equal(invoked.code, 0, `${invoked.stdout}\n${invoked.stderr}`);
  assert.deepEqual(JSON.parse(invoked.stdout), { jobId: 'demo', chunks: 8 });

  const logs = logsClient(server);
  try {
    const lines = await waitForLogs(logs, 'fanout-reducer', (m) => m.some((l) => l.includes('RESULT demo')), 30_000);
    assert.ok(lines.some((l) => l.endsWith('\tRESULT demo 500500')), lines.join('\n'));
  } finally {
    logs.destroy();
  }
  const events = await nimbus(['events', 'fanout-worker', '--status', 'succeeded', '--json', '--endpoint', server.url]);
  assert.equal((JSON.parse(events.stdout) as unknown[]).length, 8);
});
