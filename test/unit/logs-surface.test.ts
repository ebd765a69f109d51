// The CloudWatch Logs surface in-process, over a real SQLite store: operations, paging
// tokens, filter patterns and the awsJson1_1 error shape.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApiRequest, ApiResponse, Surface } from '../../src/api/http/types.js';
import { compileFilterPattern, FilterPatternError } from '../../src/api/logs/filter-pattern.js';
import { createLogsSurface } from '../../src/api/logs/surface.js';
import { NimbusError } from '../../src/errors.js';
import type { Store } from '../../src/store/ports.js';
import type { LogEvent, Scope } from '../../src/store/records.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const scope: Scope = { account: '000000000000', region: 'us-east-1' };
const GROUP = '/aws/lambda/fn';
const S1 = '2026/01/01/[$LATEST]aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const S2 = '2026/01/01/[$LATEST]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

interface Event { logStreamName?: string; timestamp: number; message: string; ingestionTime: number; eventId?: string }
interface Json { [key: string]: unknown }

function invocation(stream: string, requestId: string, at: number, lines: string[]): LogEvent[] {
  return [`START RequestId: ${requestId} Version: $LATEST`, ...lines.map((l) => `${new Date(at).toISOString()}\t${requestId}\tINFO\t${l}`), `END RequestId: ${requestId}`, `REPORT RequestId: ${requestId}\tDuration: 1.00 ms\t`]
    .map((message, i) => ({ ...scope, logGroup: GROUP, logStream: stream, timestamp: at + i, requestId, message }));
}

describe('CloudWatch Logs surface', () => {
  let dir: string;
  let store: Store;
  let surface: Surface;

  async function call(operation: string, body: unknown, options: { scope?: Scope; target?: string | null } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
    if (options.target !== null) headers['x-amz-target'] = options.target ?? `Logs_20140328.${operation}`;
    const req: ApiRequest = {
      method: 'POST', path: '/', params: {}, query: new URLSearchParams(), headers,
      body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), scope: options.scope ?? scope, requestId: 'req-1',
    };
    const route = surface.routes[0];
    assert.ok(route);
    try {
      return await route.handle(req);
    } catch (err) {
      return surface.renderError(err, req.requestId);
    }
  }

  async function ok(operation: string, body: unknown, options: { scope?: Scope } = {}): Promise<Json> {
    const res = await call(operation, body, options);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers?.['content-type'], 'application/x-amz-json-1.1');
    return res.body as Json;
  }

  async function fails(operation: string, body: unknown, type: string, message?: RegExp, options: { scope?: Scope; target?: string | null } = {}): Promise<void> {
    const res = await call(operation, body, options);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    const b = res.body as { __type: string; message: string };
    assert.equal(b.__type, type, b.message);
    assert.equal(res.headers?.['x-amzn-errortype'], type);
    if (message) assert.match(b.message, message);
  }

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-logs-surface-'));
    store = createSqliteStore(path.join(dir, 'nimbus.db'));
    surface = createLogsSurface({ logs: store.logs });
    await store.logs.append([
      ...invocation(S1, 'req-a', T0, ['hello world', 'ERROR something broke']),
      ...invocation(S2, 'req-b', T0 + 1000, ['hello again', 'WARN disk "nearly" full']),
      ...invocation(S1, 'req-c', T0 + 2000, ['ERROR again: Retrying']),
      { ...scope, logGroup: '/aws/lambda/other', logStream: S1, timestamp: T0, requestId: 'x', message: 'other group' },
      { account: '111111111111', region: 'us-east-1', logGroup: GROUP, logStream: S1, timestamp: T0, requestId: 'y', message: 'other account' },
      { ...scope, region: 'eu-west-1', logGroup: '/aws/lambda/eu', logStream: S1, timestamp: T0, requestId: 'z', message: 'other region' },
    ]);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('FilterLogEvents returns every line of the group in time order with stream names and event ids', async () => {
    const out = await ok('FilterLogEvents', { logGroupName: GROUP, interleaved: true });
    const events = out.events as Event[];
    assert.equal(events.length, 14);
    assert.equal(out.nextToken, undefined);
    assert.deepEqual(out.searchedLogStreams, []);
    assert.equal(events[0]?.message, 'START RequestId: req-a Version: $LATEST');
    assert.equal(events[0]?.logStreamName, S1);
    assert.equal(events[5]?.logStreamName, S2);
    assert.ok(events.every((e, i) => i === 0 || e.timestamp >= (events[i - 1]?.timestamp ?? 0)));
    assert.equal(new Set(events.map((e) => e.eventId)).size, 14);
    assert.ok(events.every((e) => /^\d{56}$/.test(e.eventId ?? '') && e.ingestionTime === e.timestamp));
    assert.ok(!events.some((e) => e.message.startsWith('other')));
  });

  test('FilterLogEvents pages with nextToken until the token is absent, never repeating one', async () => {
    const seen: string[] = [];
    const tokens = new Set<string>();
    let token: string | undefined;
    do {
      const out = await ok('FilterLogEvents', { logGroupName: GROUP, limit: 4, ...(token ? { nextToken: token } : {}) });
      seen.push(...(out.events as Event[]).map((e) => e.message));
      token = out.nextToken as string | undefined;
      if (token !== undefined) {
        assert.ok(!tokens.has(token), 'a token came back twice');
        tokens.add(token);
      }
    } while (token !== undefined);
    assert.equal(seen.length, 14);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(tokens.size, 3);
  });

  test('FilterLogEvents: filter patterns, streams, time windows', async () => {
    const messages = async (body: Json): Promise<string[]> => ((await ok('FilterLogEvents', { logGroupName: GROUP, ...body })).events as Event[]).map((e) => e.message.split('\t').pop() ?? '');
    assert.deepEqual(await messages({ filterPattern: 'ERROR' }), ['ERROR something broke', 'ERROR again: Retrying']);
    assert.deepEqual(await messages({ filterPattern: 'ERROR -Retrying' }), ['ERROR something broke']);
    assert.deepEqual(await messages({ filterPattern: '?WARN ?broke' }), ['ERROR something broke', 'WARN disk "nearly" full']);
    assert.deepEqual(await messages({ filterPattern: '"hello world"' }), ['hello world']);
    assert.deepEqual(await messages({ filterPattern: 'hello world' }), ['hello world']);
    assert.deepEqual(await messages({ filterPattern: '"disk \\"nearly\\""' }), ['WARN disk "nearly" full']);
    assert.deepEqual(await messages({ filterPattern: 'error' }), [], 'terms are case-sensitive');
    assert.deepEqual(await messages({ filterPattern: '%ERROR [a-z]+ broke%' }), ['ERROR something broke']);
    assert.deepEqual(await messages({ filterPattern: 'req-b' }).then((m) => m.length), 5);
    assert.deepEqual(await messages({ filterPattern: 'ERROR', logStreamNames: [S2] }), []);
    assert.deepEqual(await messages({ filterPattern: 'hello', logStreamNamePrefix: '2026/01/01/[$LATEST]b' }), ['hello again']);
    assert.equal((await messages({ startTime: T0 + 1000, endTime: T0 + 1004 })).length, 5, 'both ends inclusive');
    assert.equal((await messages({ startTime: T0 + 1000, endTime: T0 + 1003 })).length, 4);
    // A selective pattern across pages: the limit counts matches, not lines looked at.
    const first = await ok('FilterLogEvents', { logGroupName: GROUP, filterPattern: 'ERROR', limit: 1 });
    assert.equal((first.events as Event[]).length, 1);
    const second = await ok('FilterLogEvents', { logGroupName: GROUP, filterPattern: 'ERROR', limit: 1, nextToken: first.nextToken });
    assert.deepEqual((second.events as Event[]).map((e) => e.message.split('\t').pop()), ['ERROR again: Retrying']);
  });

  test('logGroupIdentifier takes a name or an ARN of the request scope', async () => {
    const byArn = await ok('FilterLogEvents', { logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}`, limit: 1 });
    assert.equal((byArn.events as Event[]).length, 1);
    const byArnStar = await ok('FilterLogEvents', { logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}:*`, limit: 1 });
    assert.equal((byArnStar.events as Event[]).length, 1);
    assert.equal(((await ok('FilterLogEvents', { logGroupIdentifier: GROUP, limit: 1 })).events as Event[]).length, 1);
    await fails('FilterLogEvents', { logGroupIdentifier: `arn:aws:logs:eu-west-1:000000000000:log-group:${GROUP}` }, 'InvalidParameterException', /signed for account 000000000000, region us-east-1/);
  });

  test('groups are per account and region', async () => {
    const other = await ok('FilterLogEvents', { logGroupName: GROUP }, { scope: { account: '111111111111', region: 'us-east-1' } });
    assert.deepEqual((other.events as Event[]).map((e) => e.message), ['other account']);
    await fails('FilterLogEvents', { logGroupName: '/aws/lambda/eu' }, 'ResourceNotFoundException');
    const eu = await ok('DescribeLogGroups', {}, { scope: { account: '000000000000', region: 'eu-west-1' } });
    assert.deepEqual((eu.logGroups as Json[]).map((g) => g.logGroupName), ['/aws/lambda/eu']);
  });

  test('GetLogEvents: newest page by default, startFromHead, forward and backward tokens, same token at the end', async () => {
    const all = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1 });
    assert.equal((all.events as Event[]).length, 9);
    assert.match(String(all.nextForwardToken), /^f\/\d{56}$/);
    assert.match(String(all.nextBackwardToken), /^b\/\d{56}$/);

    const newest = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, limit: 3 });
    assert.deepEqual((newest.events as Event[]).map((e) => e.message.slice(0, 6)), ['2026-0', 'END Re', 'REPORT']);
    const atEnd = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, nextToken: newest.nextForwardToken });
    assert.deepEqual(atEnd.events, []);
    assert.equal(atEnd.nextForwardToken, newest.nextForwardToken, 'the end of the stream gives back the same token');
    const older = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, limit: 3, nextToken: newest.nextBackwardToken });
    assert.deepEqual((older.events as Event[]).map((e) => e.message.slice(0, 6)), ['END Re', 'REPORT', 'START ']);
    const newer = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, nextToken: older.nextForwardToken });
    assert.deepEqual((newer.events as Event[]).map((e) => e.message.slice(0, 6)), ['2026-0', 'END Re', 'REPORT']);
    assert.equal(newer.nextForwardToken, newest.nextForwardToken);

    const head: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, startFromHead: true, limit: 4, ...(token ? { nextToken: token } : {}) });
      head.push(...(out.events as Event[]).map((e) => e.message));
      if (out.nextForwardToken === token) break;
      token = out.nextForwardToken as string;
    }
    assert.equal(head.length, 9);
    assert.match(head[0] ?? '', /^START RequestId: req-a/);
    assert.match(head[8] ?? '', /^REPORT RequestId: req-c/);

    const windowed = await ok('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, startTime: T0 + 2000, endTime: T0 + 2002, startFromHead: true });
    assert.equal((windowed.events as Event[]).length, 2, 'endTime is exclusive');
    assert.equal((windowed.events as Event[])[0]?.logStreamName, undefined);
  });

  test('DescribeLogGroups and DescribeLogStreams', async () => {
    const groups = await ok('DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/' });
    assert.deepEqual((groups.logGroups as Json[]).map((g) => g.logGroupName), [GROUP, '/aws/lambda/other']);
    const g = (groups.logGroups as Json[])[0];
    assert.equal(g?.creationTime, T0);
    assert.equal(g?.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}:*`);
    assert.equal(g?.logGroupArn, `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}`);
    assert.ok(Number(g?.storedBytes) > 0);
    const paged = await ok('DescribeLogGroups', { limit: 1 });
    assert.deepEqual((paged.logGroups as Json[]).map((x) => x.logGroupName), [GROUP]);
    const next = await ok('DescribeLogGroups', { limit: 1, nextToken: paged.nextToken });
    assert.deepEqual((next.logGroups as Json[]).map((x) => x.logGroupName), ['/aws/lambda/other']);
    assert.equal(next.nextToken, undefined);
    assert.deepEqual(((await ok('DescribeLogGroups', { logGroupNamePattern: 'OTH' })).logGroups as Json[]).map((x) => x.logGroupName), ['/aws/lambda/other']);

    const byName = await ok('DescribeLogStreams', { logGroupName: GROUP });
    assert.deepEqual((byName.logStreams as Json[]).map((s) => s.logStreamName), [S1, S2]);
    const s1 = (byName.logStreams as Json[])[0];
    assert.equal(s1?.firstEventTimestamp, T0);
    assert.equal(s1?.lastEventTimestamp, T0 + 2003);
    assert.equal(s1?.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}:log-stream:${S1}`);
    const latest = await ok('DescribeLogStreams', { logGroupName: GROUP, orderBy: 'LastEventTime', descending: true, limit: 1 });
    assert.deepEqual((latest.logStreams as Json[]).map((s) => s.logStreamName), [S1]);
    const rest = await ok('DescribeLogStreams', { logGroupName: GROUP, orderBy: 'LastEventTime', descending: true, limit: 1, nextToken: latest.nextToken });
    assert.deepEqual((rest.logStreams as Json[]).map((s) => s.logStreamName), [S2]);
    assert.equal(rest.nextToken, undefined);
    assert.deepEqual(((await ok('DescribeLogStreams', { logGroupName: GROUP, logStreamNamePrefix: '2026/01/01/[$LATEST]b' })).logStreams as Json[]).length, 1);
    assert.deepEqual((await ok('DescribeLogStreams', { logGroupName: GROUP, logStreamNamePrefix: 'nope' })).logStreams, []);
  });

  test('errors: missing group or stream, bad parameters, bad tokens, bad JSON, unknown operations', async () => {
    await fails('FilterLogEvents', { logGroupName: '/aws/lambda/missing' }, 'ResourceNotFoundException', /^The specified log group does not exist\.$/);
    await fails('GetLogEvents', { logGroupName: '/aws/lambda/missing', logStreamName: S1 }, 'ResourceNotFoundException', /log group does not exist/);
    await fails('GetLogEvents', { logGroupName: GROUP, logStreamName: 'no-such-stream' }, 'ResourceNotFoundException', /^The specified log stream does not exist\.$/);
    await fails('DescribeLogStreams', { logGroupName: '/aws/lambda/missing' }, 'ResourceNotFoundException');
    await fails('DescribeLogStreams', { logGroupName: '/aws/lambda/missing', logStreamNamePrefix: 'x' }, 'ResourceNotFoundException');
    await fails('FilterLogEvents', {}, 'InvalidParameterException', /logGroupName or logGroupIdentifier/);
    await fails('FilterLogEvents', { logGroupName: GROUP, logGroupIdentifier: GROUP }, 'InvalidParameterException', /mutually exclusive/);
    await fails('FilterLogEvents', { logGroupName: GROUP, logStreamNames: [S1], logStreamNamePrefix: 'x' }, 'InvalidParameterException', /mutually exclusive/);
    await fails('FilterLogEvents', { logGroupName: GROUP, limit: 10001 }, 'InvalidParameterException', /Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000/);
    await fails('FilterLogEvents', { logGroupName: GROUP, limit: 0 }, 'InvalidParameterException', /at 'limit'/);
    await fails('FilterLogEvents', { logGroupName: GROUP, nextToken: 'garbage' }, 'InvalidParameterException', /nextToken is invalid/);
    await fails('FilterLogEvents', { logGroupName: GROUP, filterPattern: '{ $.level = "ERROR" }' }, 'InvalidParameterException', /JSON filter patterns/);
    await fails('FilterLogEvents', { logGroupName: GROUP, filterPattern: '"unterminated' }, 'InvalidParameterException', /unterminated quoted phrase/);
    await fails('GetLogEvents', { logGroupName: GROUP }, 'InvalidParameterException', /at 'logStreamName' failed to satisfy constraint: Member must not be null/);
    await fails('GetLogEvents', { logGroupName: GROUP, logStreamName: S1, nextToken: 'f/123' }, 'InvalidParameterException', /nextToken is invalid/);
    await fails('DescribeLogStreams', { logGroupName: GROUP, orderBy: 'Size' }, 'InvalidParameterException', /enum value set/);
    await fails('DescribeLogStreams', { logGroupName: GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: 'x' }, 'InvalidParameterException', /Cannot order by LastEventTime/);
    await fails('FilterLogEvents', '{not json', 'SerializationException');
    await fails('FilterLogEvents', { logGroupName: GROUP, limit: 'ten' }, 'SerializationException', /limit/);
    await fails('CreateLogGroup', { logGroupName: 'x' }, 'UnknownOperationException', /Logs_20140328\.CreateLogGroup/);
    await fails('FilterLogEvents', {}, 'UnknownOperationException', /X-Amz-Target/, { target: null });
  });

  test('errors from the shared HTTP layer are rendered in the Logs shape', () => {
    const unknown = surface.renderError(new NimbusError('UnknownOperationException', 'No CloudWatch Logs operation is served at GET /'), 'r');
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { __type: 'UnknownOperationException', message: 'No CloudWatch Logs operation is served at GET /' });
    const internal = surface.renderError(new Error('disk on fire'), 'r');
    assert.equal(internal.status, 500);
    assert.equal((internal.body as { __type: string }).__type, 'ServiceUnavailableException');
    assert.doesNotMatch(JSON.stringify(internal.body), /disk on fire/);
  });
});

test('filter patterns compile to matchers', () => {
  const m = (pattern: string, line: string): boolean => compileFilterPattern(pattern)(line);
  assert.equal(m('', 'anything'), true);
  assert.equal(m('   ', 'anything'), true);
  assert.equal(m('A B', 'xAx yBy'), true);
  assert.equal(m('A B', 'xAx'), false);
  assert.equal(m('?A ?B', 'B only'), true);
  assert.equal(m('?A B ?C', 'A and B'), true);
  assert.equal(m('?A B ?C', 'A alone'), false);
  assert.equal(m('?A B ?C', 'C alone'), true);
  assert.equal(m('-A', 'no a here'), true);
  assert.equal(m('-A', 'an A here'), false);
  assert.equal(m('-"two words"', 'has two words'), false);
  assert.equal(m('?"a b" ?"c d"', 'xx c d'), true);
  assert.equal(m('%^START%', 'START RequestId'), true);
  assert.equal(m('%^START%', 'no START'), false);
  assert.equal(m('%colou?r%', 'color'), true);
  assert.equal(m('- ?', 'a - b ?'), true, 'a lone sign is a term');
  assert.throws(() => compileFilterPattern('%(a|b)%'), FilterPatternError);
  assert.throws(() => compileFilterPattern('%[%'), FilterPatternError);
  assert.throws(() => compileFilterPattern('[ip, user]'), /space-delimited/);
  assert.throws(() => compileFilterPattern('%abc'), /unterminated %regex%/);
});
