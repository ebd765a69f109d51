// The CloudWatch Logs API against a real `nimbus serve`, through
// @aws-sdk/client-cloudwatch-logs: an invocation's lines come back as Lambda writes them.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  ResourceNotFoundException,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, InvokeCommand, waitUntilFunctionActiveV2, type LambdaClient } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

const HANDLER = 'exports.handler = async (event) => { console.log(`marker-${event.n}`); return { n: event.n }; };\n';

async function deploy(lambda: LambdaClient, name: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/test', Handler: 'index.handler',
    Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) },
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

async function invoke(lambda: LambdaClient, name: string, n: number): Promise<string> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ n })) }));
  assert.equal(out.FunctionError, undefined);
  const requestId = out.$metadata.requestId;
  assert.ok(requestId);
  return requestId;
}

/** Lines reach the store on the log writer's next flush (every 200 ms); wait for them. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let value: T | undefined;
    try {
      value = await read();
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err; // the group appears with the first flush
    }
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('CloudWatch Logs API via @aws-sdk/client-cloudwatch-logs', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  let logs: CloudWatchLogsClient;
  const clients: CloudWatchLogsClient[] = [];
  const logsClient = (region = 'us-east-1'): CloudWatchLogsClient => {
    const client = new CloudWatchLogsClient({ endpoint: server.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    logs = logsClient();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.dispose();
  });

  test('a missing log group is a ResourceNotFoundException', async () => {
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/never-invoked' })), (err: unknown) => {
      assert.ok(err instanceof ResourceNotFoundException);
      assert.equal(err.message, 'The specified log group does not exist.');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/never' }));
    assert.deepEqual(groups.logGroups, []);
  });

  test("an invocation's START, console line, END and REPORT read back with FilterLogEvents, GetLogEvents and DescribeLogStreams", async () => {
    await deploy(lambda, 'logged');
    const requestId = await invoke(lambda, 'logged', 7);
    const group = '/aws/lambda/logged';
    const filtered = await eventually(
      () => logs.send(new FilterLogEventsCommand({ logGroupName: group, interleaved: true })),
      (r) => (r.events ?? []).some((e) => e.message?.startsWith(`REPORT RequestId: ${requestId}`)),
      'the REPORT line',
    );
    const events = filtered.events ?? [];
    const messages = events.map((e) => e.message ?? '');
    const at = (re: RegExp): number => messages.findIndex((m) => re.test(m));
    const start = at(new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST$`));
    const marker = at(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${requestId}\\tINFO\\tmarker-7$`));
    const end = at(new RegExp(`^END RequestId: ${requestId}$`));
    const report = at(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\t`));
    assert.ok(start >= 0 && marker > start && end > marker && report > end, messages.join('\n'));
    const stream = events[start]?.logStreamName ?? '';
    assert.match(stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(events.every((e: FilteredLogEvent) => typeof e.eventId === 'string' && typeof e.timestamp === 'number' && typeof e.ingestionTime === 'number'));

    const phrase = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"marker-7"' }));
    assert.deepEqual(phrase.events?.map((e) => e.message?.split('\t').pop()), ['marker-7']);

    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true }));
    assert.deepEqual(streams.logStreams?.map((s) => s.logStreamName), [stream]);
    assert.ok((streams.logStreams?.[0]?.lastEventTimestamp ?? 0) >= (events[report]?.timestamp ?? Infinity));

    const head = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
    assert.deepEqual(head.events?.map((e) => e.message), [messages[start], messages[marker], messages[end], messages[report]]);
    assert.match(head.nextForwardToken ?? '', /^f\//);
    assert.match(head.nextBackwardToken ?? '', /^b\//);

    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    assert.deepEqual(described.logGroups?.map((g) => g.logGroupName), [group]);
    assert.equal(described.logGroups?.[0]?.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*`);
  });

  test('the SDK paginators end, and log groups belong to the region the request is signed for', async () => {
    await deploy(lambda, 'paged');
    const ids = [await invoke(lambda, 'paged', 1), await invoke(lambda, 'paged', 2), await invoke(lambda, 'paged', 3)];
    const group = '/aws/lambda/paged';
    const last = ids[2] ?? '';
    await eventually(
      () => logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: `"REPORT RequestId: ${last}"` })),
      (r) => (r.events?.length ?? 0) === 1,
      'the last REPORT line',
    );
    const paged: string[] = [];
    for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 2 }, { logGroupName: group })) {
      assert.ok((page.events?.length ?? 0) <= 2);
      paged.push(...(page.events ?? []).map((e) => e.message ?? ''));
    }
    for (const n of [1, 2, 3]) assert.equal(paged.filter((m) => m.endsWith(`\tmarker-${n}`)).length, 1, paged.join('\n'));
    assert.equal(paged.filter((m) => m.startsWith('START RequestId:')).length, 3);

    const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    assert.ok(streams.length >= 1);
    const fromHead: string[] = [];
    for (const { logStreamName } of streams) {
      // GetLogEvents hands back the token it got at the end of a stream; the paginator must be told.
      for await (const page of paginateGetLogEvents({ client: logs, pageSize: 3, stopOnSameToken: true }, { logGroupName: group, logStreamName, startFromHead: true })) {
        fromHead.push(...(page.events ?? []).map((e) => e.message ?? ''));
      }
    }
    assert.deepEqual([...fromHead].sort(), [...paged].sort());

    const elsewhere = logsClient('eu-west-1');
    await assert.rejects(elsewhere.send(new FilterLogEventsCommand({ logGroupName: group })), ResourceNotFoundException);
  });
});
