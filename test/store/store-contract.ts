// The store contract: every Store implementation (SQLite now, PostgreSQL in cluster
// mode) must pass these tests. Call storeContract() from an implementation's test file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import type { AsyncEvent, FunctionRecord, FunctionVersionRecord, Scope } from '../../src/store/records.js';
import type { RouteTableRecord } from '../../src/store/records.js';
import type { FunctionUrlConfigRecord } from '../../src/store/records.js';

export interface StoreFixture {
  readonly store: Store;
  /** Closes and reopens the same database (durability). */
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

const scope: Scope = { account: '000000000000', region: 'us-east-1' };

function version(name: string, revisionId: string, over: Partial<FunctionVersionRecord> = {}, s: Scope = scope): FunctionVersionRecord {
  return {
    ...s, name, version: '$LATEST', revisionId, lastModified: '2026-01-01T00:00:00.000+0000',
    settings: {
      runtime: 'nodejs20.x', handler: 'index.handler', role: 'arn:aws:iam::000000000000:role/r', description: '', timeout: 3,
      memorySize: 128, ephemeralStorageMb: 512, environment: { A: 'b' }, architectures: ['x86_64'], tracingMode: 'PassThrough',
      logFormat: 'Text', logGroup: undefined, deadLetterTargetArn: undefined,
    },
    code: { sha256: 'c2hh', blobKey: 'a'.repeat(64), size: 10 },
    state: 'Pending', stateReason: 'being created', stateReasonCode: 'Creating',
    lastUpdateStatus: 'InProgress', lastUpdateStatusReason: undefined, lastUpdateStatusReasonCode: undefined,
    ...over,
  };
}

function fn(name: string, s: Scope = scope): FunctionRecord {
  return { ...s, name, createdAt: 1, tags: { team: 'x' }, reservedConcurrency: undefined, latest: version(name, `rev-${name}`, {}, s) };
}

export function storeContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`store contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    before(async () => {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => fixture.cleanup());

    test('create then get returns the same record; a second create of the name is refused', async () => {
      assert.equal(await store.functions.create(fn('alpha')), true);
      assert.deepEqual(await store.functions.get({ ...scope, name: 'alpha' }), fn('alpha'));
      assert.equal(await store.functions.create(fn('alpha')), false);
    });

    test('names are per account and region', async () => {
      const other: Scope = { account: '111111111111', region: 'eu-west-1' };
      assert.equal(await store.functions.create(fn('alpha', other)), true);
      assert.equal((await store.functions.get({ ...other, name: 'alpha' }))?.account, '111111111111');
      assert.equal(await store.functions.get({ ...other, name: 'beta' }), undefined);
    });

    test('list pages in name order with a marker, and ends without one', async () => {
      for (const name of ['list-c', 'list-a', 'list-b', 'list-d', 'list-e']) await store.functions.create(fn(name, { account: '222222222222', region: 'us-east-1' }));
      const s = { account: '222222222222', region: 'us-east-1' };
      const first = await store.functions.list(s, undefined, 2);
      assert.deepEqual(first.items.map((f) => f.name), ['list-a', 'list-b']);
      const second = await store.functions.list(s, first.nextMarker, 2);
      assert.deepEqual(second.items.map((f) => f.name), ['list-c', 'list-d']);
      const last = await store.functions.list(s, second.nextMarker, 2);
      assert.deepEqual(last.items.map((f) => f.name), ['list-e']);
      assert.equal(last.nextMarker, undefined);
    });

    test('replaceLatest is a compare-and-swap on the RevisionId', async () => {
      await store.functions.create(fn('cas'));
      const next = version('cas', 'rev-2', { state: 'Active', stateReason: undefined, stateReasonCode: undefined, lastUpdateStatus: 'Successful' });
      assert.equal(await store.functions.replaceLatest(next, 'wrong-revision'), false);
      assert.equal(await store.functions.replaceLatest(next, 'rev-cas'), true);
      const got = await store.functions.get({ ...scope, name: 'cas' });
      assert.equal(got?.latest.revisionId, 'rev-2');
      assert.equal(got?.latest.state, 'Active');
      assert.equal(got?.latest.stateReason, undefined);
      assert.equal(await store.functions.replaceLatest(version('cas', 'rev-3'), 'rev-cas'), false);
    });

    test('tags and reserved concurrency are stored per function', async () => {
      await store.functions.create(fn('meta'));
      const key = { ...scope, name: 'meta' };
      assert.equal(await store.functions.setTags(key, { a: '1' }), true);
      assert.equal(await store.functions.setReservedConcurrency(key, 5), true);
      let got = await store.functions.get(key);
      assert.deepEqual(got?.tags, { a: '1' });
      assert.equal(got?.reservedConcurrency, 5);
      await store.functions.setReservedConcurrency(key, undefined);
      got = await store.functions.get(key);
      assert.equal(got?.reservedConcurrency, undefined);
      assert.equal(await store.functions.setTags({ ...scope, name: 'missing' }, {}), false);
    });

    test('unsettled versions are found for recovery; referenced blob keys are reported', async () => {
      const unsettled = await store.functions.listUnsettled(['Pending'], ['InProgress']);
      assert.ok(unsettled.some((v) => v.name === 'alpha'));
      assert.ok(!unsettled.some((v) => v.name === 'cas'));
      assert.ok((await store.functions.referencedBlobKeys()).has('a'.repeat(64)));
    });

    test('delete removes the function and is false the second time', async () => {
      await store.functions.create(fn('gone'));
      assert.equal(await store.functions.delete({ ...scope, name: 'gone' }), true);
      assert.equal(await store.functions.get({ ...scope, name: 'gone' }), undefined);
      assert.equal(await store.functions.delete({ ...scope, name: 'gone' }), false);
    });

    test('log lines are appended, queried by group, time, request id and cursor, and pruned', async () => {
      const base = { ...scope, logGroup: '/aws/lambda/logged', logStream: '2026/01/01/[$LATEST]abc' };
      await store.logs.append([
        { ...base, timestamp: 1000, requestId: 'r1', message: 'START RequestId: r1' },
        { ...base, timestamp: 2000, requestId: 'r1', message: 'hello' },
        { ...base, timestamp: 3000, requestId: 'r2', message: 'second' },
        { ...base, logGroup: '/aws/lambda/other', timestamp: 3000, requestId: 'r3', message: 'elsewhere' },
      ]);
      const all = await store.logs.query({ ...scope, logGroup: base.logGroup, limit: 100 });
      assert.deepEqual(all.map((e) => e.message), ['START RequestId: r1', 'hello', 'second']);
      assert.deepEqual((await store.logs.query({ ...scope, logGroup: base.logGroup, since: 2000, limit: 100 })).map((e) => e.message), ['hello', 'second']);
      assert.deepEqual((await store.logs.query({ ...scope, logGroup: base.logGroup, requestId: 'r2', limit: 100 })).map((e) => e.message), ['second']);
      const after = await store.logs.query({ ...scope, logGroup: base.logGroup, afterId: all[1]?.id, limit: 100 });
      assert.deepEqual(after.map((e) => e.message), ['second']);
      assert.equal(await store.logs.deleteOlderThan(2500), 2);
      assert.deepEqual((await store.logs.query({ ...scope, logGroup: base.logGroup, limit: 100 })).map((e) => e.message), ['second']);
    });

    test('scan reads a group in (timestamp, id) order, both ways, with stream, time and position bounds', async () => {
      const s: Scope = { account: '333333333333', region: 'eu-west-1' };
      const g = { ...s, logGroup: '/aws/lambda/scanned' };
      await store.logs.append([
        { ...g, logStream: 'b-stream', timestamp: 200, requestId: 'r2', message: 'b1' },
        { ...g, logStream: 'a-stream', timestamp: 100, requestId: 'r1', message: 'a1' },
        { ...g, logStream: 'a-stream', timestamp: 200, requestId: 'r1', message: 'a2' },
        { ...g, logStream: 'a%stream', timestamp: 300, requestId: 'r3', message: 'c1' },
        { ...g, logStream: 'b-stream', timestamp: 400, requestId: 'r2', message: 'b2 ünïcode' },
        { ...g, logGroup: '/aws/lambda/scanned-too', logStream: 'a-stream', timestamp: 150, requestId: 'r9', message: 'other group' },
        { ...scope, logGroup: g.logGroup, logStream: 'a-stream', timestamp: 150, requestId: 'r8', message: 'other scope' },
      ]);
      const messages = async (q: Partial<Parameters<typeof store.logs.scan>[0]>): Promise<string[]> =>
        (await store.logs.scan({ ...g, limit: 100, ...q })).map((e) => e.message);
      assert.deepEqual(await messages({}), ['a1', 'b1', 'a2', 'c1', 'b2 ünïcode']);
      assert.deepEqual(await messages({ newestFirst: true }), ['b2 ünïcode', 'c1', 'a2', 'b1', 'a1']);
      assert.deepEqual(await messages({ logStreams: ['a-stream', 'a%stream'] }), ['a1', 'a2', 'c1']);
      assert.deepEqual(await messages({ logStreamPrefix: 'a-' }), ['a1', 'a2']);
      assert.deepEqual(await messages({ logStreamPrefix: 'A-' }), []);
      assert.deepEqual(await messages({ from: 200, until: 400 }), ['b1', 'a2', 'c1']);
      const all = await store.logs.scan({ ...g, limit: 100 });
      const b1 = all[1];
      assert.ok(b1);
      assert.deepEqual(await messages({ position: { timestamp: b1.timestamp, id: b1.id }, limit: 2 }), ['a2', 'c1']);
      assert.deepEqual(await messages({ position: { timestamp: b1.timestamp, id: b1.id }, newestFirst: true }), ['a1']);
      assert.deepEqual(await messages({ logGroup: '/aws/lambda/none' }), []);
    });

    test('groups and streams are listed with their time span and size', async () => {
      const s: Scope = { account: '333333333333', region: 'eu-west-1' };
      const groups = await store.logs.listGroups(s, { limit: 10 });
      assert.deepEqual(groups.map((x) => x.logGroup), ['/aws/lambda/scanned', '/aws/lambda/scanned-too']);
      assert.deepEqual(groups[0], { logGroup: '/aws/lambda/scanned', firstTimestamp: 100, lastTimestamp: 400, storedBytes: 4 * 2 + Buffer.byteLength('b2 ünïcode') });
      assert.deepEqual((await store.logs.listGroups(s, { after: '/aws/lambda/scanned', limit: 10 })).map((x) => x.logGroup), ['/aws/lambda/scanned-too']);
      assert.deepEqual((await store.logs.listGroups(s, { prefix: '/aws/lambda/scanned-', limit: 10 })).map((x) => x.logGroup), ['/aws/lambda/scanned-too']);
      assert.deepEqual((await store.logs.listGroups(s, { limit: 1 })).length, 1);
      assert.deepEqual(await store.logs.listGroups({ account: '444444444444', region: 'eu-west-1' }, { limit: 10 }), []);
      const streams = await store.logs.listStreams({ ...s, logGroup: '/aws/lambda/scanned' });
      assert.deepEqual(streams.map((x) => [x.logStream, x.firstTimestamp, x.lastTimestamp]), [['a%stream', 300, 300], ['a-stream', 100, 200], ['b-stream', 200, 400]]);
      assert.deepEqual((await store.logs.listStreams({ ...s, logGroup: '/aws/lambda/scanned', prefix: 'b' })).map((x) => x.logStream), ['b-stream']);
    });

    test('the event queue leases due events once, caps per function, and settles atomically with follow-ups', async () => {
      const ev = (id: string, name: string, notBefore = 0): AsyncEvent => ({
        ...scope, name, id, qualifier: undefined, payload: Buffer.from(`{"id":"${id}"}`), source: 'async', createdAt: notBefore,
        status: 'queued', attempts: 0, tries: 0, notBefore, leaseOwner: undefined, leaseUntil: undefined, lastError: undefined, updatedAt: 0,
      });
      await store.events.enqueue([ev('a1', 'fa', 1), ev('a2', 'fa', 2), ev('a3', 'fa', 3), ev('b1', 'fb', 4), ev('later', 'fb', 10_000)]);
      const first = await store.events.lease('node-1', 100, 1000, 10, 2);
      assert.deepEqual(first.map((e) => e.id), ['a1', 'a2', 'b1'], 'at most 2 of fa, nothing not yet due');
      assert.equal(first[0]?.tries, 1);
      assert.deepEqual(first[0]?.payload, Buffer.from('{"id":"a1"}'));
      assert.deepEqual((await store.events.lease('node-2', 150, 5000, 10, 2)).map((e) => e.id), ['a3'], 'leased events are not leased again');
      // node-1 settles a1 with a follow-up event, retries a2, and dies holding b1.
      assert.equal(await store.events.settle('a1', 'node-1', 200, { kind: 'succeeded' }, [ev('dest-1', 'fc', 200)]), true);
      assert.equal(await store.events.settle('a1', 'node-1', 200, { kind: 'succeeded' }, []), false, 'settling twice fails');
      assert.equal(await store.events.settle('a2', 'node-1', 200, { kind: 'retry', notBefore: 5000, countsAsAttempt: true, lastError: 'boom' }, []), true);
      assert.equal(await store.events.extend('a3', 'node-1', 9999), false, 'only the owner extends');
      const afterExpiry = await store.events.lease('node-3', 1200, 1000, 10, 5);
      assert.deepEqual(afterExpiry.map((e) => e.id).sort(), ['b1', 'dest-1'], 'an expired lease is leased again; the follow-up is queued');
      assert.equal(afterExpiry.find((e) => e.id === 'b1')?.tries, 2);
      for (const id of ['b1', 'dest-1']) assert.equal(await store.events.settle(id, 'node-3', 1300, { kind: 'failed', lastError: 'gave up' }, []), true);
      const retried = await store.events.lease('node-3', 5000, 1000, 10, 5);
      assert.deepEqual(retried.map((e) => e.id), ['a2']);
      assert.equal(retried[0]?.attempts, 1);
      assert.equal(retried[0]?.lastError, 'boom');
      const listed = await store.events.list({ ...scope, name: 'fa', limit: 10 });
      assert.deepEqual(listed.map((e) => [e.id, e.status]).sort(), [['a1', 'succeeded'], ['a2', 'leased'], ['a3', 'leased']]);
      assert.equal(await store.events.releaseAll('node-2'), 1);
      assert.equal((await store.events.list({ ...scope, name: 'fa', status: 'queued', limit: 10 }))[0]?.id, 'a3');
      assert.equal(await store.events.pruneSettled(1400), 3);
    });

    test('event invoke configs are stored per qualifier and go with their function', async () => {
      await store.functions.create(fn('eic'));
      const key = { ...scope, name: 'eic' };
      await store.eventInvokeConfigs.put({ ...key, qualifier: '$LATEST', maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60, destinations: { onSuccess: 'arn:x', onFailure: undefined }, lastModified: 5 });
      assert.equal((await store.eventInvokeConfigs.get(key, '$LATEST'))?.maximumRetryAttempts, 0);
      assert.equal((await store.eventInvokeConfigs.get(key, '$LATEST'))?.destinations.onFailure, undefined);
      assert.equal((await store.eventInvokeConfigs.list(key)).length, 1);
      await store.functions.delete(key);
      assert.equal(await store.eventInvokeConfigs.get(key, '$LATEST'), undefined);
    });

    test('route tables are per account and region, written whole with a compare-and-swap on the revision', async () => {
      const table: RouteTableRecord = {
        ...scope, revision: 'r1', lastModified: 7,
        routes: [
          { routeKey: 'GET /users/{id}', function: 'users', qualifier: undefined, authorizer: 'jwt', authorizationScopes: ['read'] },
          { routeKey: '$default', function: 'fallback', qualifier: '$LATEST', authorizer: undefined, authorizationScopes: undefined },
        ],
        authorizers: {
          jwt: { type: 'jwt', issuer: 'https://issuer', audience: ['a'], jwksUri: undefined, jwksFile: '/keys.json', identitySource: '$request.header.Authorization' },
          token: { type: 'lambda', function: 'auth', qualifier: undefined, identitySource: ['$request.header.x-token'], resultTtlInSeconds: 300, enableSimpleResponses: true },
        },
      };
      assert.equal(await store.routes.get(scope), undefined);
      assert.equal(await store.routes.put(table, 'r0'), false, 'no table yet: only an insert (expected undefined) succeeds');
      assert.equal(await store.routes.put(table, undefined), true);
      assert.deepEqual(await store.routes.get(scope), table);
      assert.equal(await store.routes.put({ ...table, revision: 'x' }, undefined), false, 'a second insert loses');
      const next = { ...table, routes: table.routes.slice(1), revision: 'r2', lastModified: 8 };
      assert.equal(await store.routes.put(next, 'wrong'), false);
      assert.equal(await store.routes.put(next, 'r1'), true);
      assert.deepEqual(await store.routes.get(scope), next);
      assert.equal(await store.routes.get({ account: '333333333333', region: 'us-east-1' }), undefined);
      assert.equal(await store.routes.get({ ...scope, region: 'eu-west-1' }), undefined);
    });

    test('function URL configs: one per function and qualifier, found by url id, updated in place, gone with their function', async () => {
      await store.functions.create(fn('urlfn'));
      const key = { ...scope, name: 'urlfn' };
      const config: FunctionUrlConfigRecord = {
        ...key, qualifier: '$LATEST', urlId: 'a'.repeat(32), authType: 'NONE', invokeMode: 'BUFFERED', createdAt: 10, lastModified: 10,
        cors: { allowOrigins: ['https://example.com'], allowMethods: ['GET', 'POST'], maxAge: 60, allowCredentials: true },
      };
      assert.equal(await store.functionUrls.create(config), true);
      assert.deepEqual(await store.functionUrls.get(key, '$LATEST'), config);
      assert.deepEqual(await store.functionUrls.getByUrlId('a'.repeat(32)), config);
      assert.equal(await store.functionUrls.create({ ...config, urlId: 'b'.repeat(32) }), false, 'one config per function and qualifier');
      assert.equal(await store.functionUrls.getByUrlId('b'.repeat(32)), undefined);
      assert.equal(await store.functionUrls.create({ ...config, name: 'no-such-function' }), false, 'the function must exist');
      const updated = { ...config, authType: 'AWS_IAM' as const, cors: undefined, invokeMode: 'RESPONSE_STREAM' as const, lastModified: 20 };
      assert.equal(await store.functionUrls.update({ ...updated, urlId: 'ignored', createdAt: 99 }), true);
      assert.deepEqual(await store.functionUrls.get(key, '$LATEST'), updated, 'urlId and createdAt are kept');
      assert.deepEqual((await store.functionUrls.list(key)).map((c) => c.urlId), ['a'.repeat(32)]);
      assert.equal(await store.functionUrls.update({ ...updated, qualifier: 'live' }), false);
      assert.equal(await store.functionUrls.delete(key, '$LATEST'), true);
      assert.equal(await store.functionUrls.delete(key, '$LATEST'), false);
      assert.equal(await store.functionUrls.getByUrlId('a'.repeat(32)), undefined);
      assert.equal(await store.functionUrls.create({ ...config, urlId: 'c'.repeat(32) }), true);
      await store.functions.delete(key);
      assert.equal(await store.functionUrls.getByUrlId('c'.repeat(32)), undefined, 'deleting the function deletes its URLs');
      assert.deepEqual(await store.functionUrls.list(key), []);
    });

    test('everything written survives closing and reopening', async () => {
      store = await fixture.reopen();
      const got = await store.functions.get({ ...scope, name: 'cas' });
      assert.equal(got?.latest.revisionId, 'rev-2');
      assert.deepEqual(got?.latest.settings.environment, { A: 'b' });
      assert.deepEqual((await store.logs.query({ ...scope, logGroup: '/aws/lambda/logged', limit: 10 })).map((e) => e.message), ['second']);
      assert.equal((await store.routes.get(scope))?.revision, 'r2');
    });
  });
}
