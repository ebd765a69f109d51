// The S3 event record a function receives, event-name and filter matching, and the
// trace header chain the recursion guard follows — without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hopCount, invocationTrace, lineageHash, nextHop, parseTraceHeader } from '../../src/invoke/trace-header.js';
import { deliveries, filterMatches } from '../../src/triggers/s3/deliveries.js';
import { eventMatches, eventPatternProblem, recordEventName } from '../../src/triggers/s3/event-names.js';
import { hostIdFor, s3EventRecord, type ObjectChange } from '../../src/triggers/s3/event-record.js';
import { decodeEventKey, encodeEventKey } from '../../src/triggers/s3/key-encoding.js';

const change: ObjectChange = {
  account: '000000000000', region: 'eu-west-1', bucket: 'photos', key: 'dir/my file@x.txt', eventName: 'ObjectCreated:Put',
  eventTime: Date.UTC(2024, 4, 1, 12, 0, 0, 5), size: 9, eTag: '437b930db84b8079c2dd804a71936b5f', versionId: undefined,
  sequencer: '0000000000000007', sourceIp: '127.0.0.1', principalId: 'AWS:test', requestId: 'C3D13FE58DE4C810', traceHeader: undefined,
};

test('keys are URL-encoded form-style as S3 writes them, and decode back', () => {
  assert.equal(encodeEventKey('dir/my file@x.txt'), 'dir/my+file%40x.txt');
  assert.equal(encodeEventKey("a+b (1)!'*~-_.txt"), 'a%2Bb+%281%29%21%27%2A~-_.txt');
  assert.equal(encodeEventKey('фото/кот.jpg'), '%D1%84%D0%BE%D1%82%D0%BE/%D0%BA%D0%BE%D1%82.jpg');
  for (const key of ['dir/my file@x.txt', 'a+b (1)!.txt', 'фото/кот.jpg', 'a//b/']) assert.equal(decodeEventKey(encodeEventKey(key)), key);
  // MinIO encodes with Go's url.QueryEscape, which escapes '/' too.
  assert.equal(decodeEventKey('in%2Fcat+photo.jpg'), 'in/cat photo.jpg');
  assert.equal(decodeEventKey('bad%zz'), undefined);
});

test('a created event is the recorded record, field for field', () => {
  assert.deepEqual(s3EventRecord(change, 'my-config'), {
    eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'eu-west-1', eventTime: '2024-05-01T12:00:00.005Z', eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:test' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': hostIdFor('C3D13FE58DE4C810') },
    s3: {
      s3SchemaVersion: '1.0', configurationId: 'my-config',
      bucket: { name: 'photos', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::photos' },
      object: { key: 'dir/my+file%40x.txt', size: 9, eTag: '437b930db84b8079c2dd804a71936b5f', sequencer: '0000000000000007' },
    },
  });
  assert.match(hostIdFor('x'), /^[A-Za-z0-9+/]{43}=$/);
});

test('a removal has no size or eTag; a version id appears only when there is one', () => {
  const removed = s3EventRecord({ ...change, eventName: 'ObjectRemoved:Delete', versionId: 'v1' }, 'c') as { s3: { object: unknown } };
  assert.deepEqual(removed.s3.object, { key: 'dir/my+file%40x.txt', versionId: 'v1', sequencer: '0000000000000007' });
  const external = s3EventRecord({ ...change, hostId: 'from-the-store' }, 'c') as { responseElements: Record<string, string> };
  assert.equal(external.responseElements['x-amz-id-2'], 'from-the-store');
});

test('event patterns match by exact name or category wildcard, and bad patterns say why', () => {
  assert.ok(eventMatches(['s3:ObjectCreated:*'], 'ObjectCreated:CompleteMultipartUpload'));
  assert.ok(eventMatches(['s3:ObjectRemoved:Delete'], 'ObjectRemoved:Delete'));
  assert.ok(!eventMatches(['s3:ObjectRemoved:Delete'], 'ObjectRemoved:DeleteMarkerCreated'));
  assert.ok(!eventMatches(['s3:ObjectCreated:Put'], 'ObjectCreated:Copy'));
  assert.ok(eventMatches(['s3:LifecycleTransition'], 'LifecycleTransition'));
  assert.equal(eventPatternProblem('s3:ObjectCreated:*'), undefined);
  assert.equal(eventPatternProblem('s3:ObjectAccessed:Get'), undefined);
  assert.match(eventPatternProblem('s3:ObjectCreate:*') ?? '', /unknown event category 'ObjectCreate'/);
  assert.match(eventPatternProblem('ObjectCreated:*') ?? '', /is not an S3 event name/);
  assert.equal(recordEventName('s3:ObjectCreated:Put'), 'ObjectCreated:Put');
  assert.equal(recordEventName('ObjectRemoved:Delete'), 'ObjectRemoved:Delete');
  assert.equal(recordEventName('s3:Object Created'), undefined);
});

test('filter rules: every rule must hold for the key as stored', () => {
  const rules = [{ name: 'prefix', value: 'in/' }, { name: 'suffix', value: '.jpg' }] as const;
  assert.ok(filterMatches(rules, 'in/cat.jpg'));
  assert.ok(!filterMatches(rules, 'in/cat.png'));
  assert.ok(!filterMatches(rules, 'out/cat.jpg'));
  assert.ok(!filterMatches([{ name: 'suffix', value: '.JPG' }], 'cat.jpg'));
  assert.ok(filterMatches([], 'anything'));
});

test('every invocation carries a trace header; a caller\'s chain continues with a new Parent', () => {
  const fresh = parseTraceHeader(invocationTrace(undefined, Date.UTC(2024, 0, 1)));
  assert.match(fresh?.root ?? '', /^1-6592008[0-9a-f]-[0-9a-f]{24}$/);
  assert.match(fresh?.parent ?? '', /^[0-9a-f]{16}$/);
  assert.equal(fresh?.sampled, '0');
  const incoming = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:3';
  const continued = invocationTrace(incoming, Date.now());
  assert.match(continued, /^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=[0-9a-f]{16};Sampled=1;Lineage=a87bd80c:3$/);
  assert.doesNotMatch(continued, /Parent=53995c3f42cd8ad8/);
  assert.equal(parseTraceHeader('Root=nonsense'), undefined);
  assert.match(invocationTrace('garbage;;=', Date.now()), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
});

test('each event-source hop raises the target function\'s count in Lineage, keeping the chain', () => {
  const fn = { account: '000000000000', region: 'us-east-1', name: 'resize' };
  const other = { ...fn, name: 'index' };
  let header = nextHop(undefined, fn, Date.now());
  assert.equal(hopCount(header, fn), 1);
  const root = parseTraceHeader(header)?.root;
  header = nextHop(invocationTrace(header, Date.now()), fn, Date.now());
  header = nextHop(header, other, Date.now());
  assert.equal(hopCount(header, fn), 2);
  assert.equal(hopCount(header, other), 1);
  assert.equal(parseTraceHeader(header)?.root, root);
  assert.match(header, new RegExp(`Lineage=${lineageHash(fn)}:2\\|${lineageHash(other)}:1$`));
  // Foreign entries are ignored, and a long chain keeps only its most recent functions.
  assert.equal(hopCount(`Root=${root ?? ''};Lineage=1:fe460cdd:0`, fn), 0);
  for (let i = 0; i < 20; i++) header = nextHop(header, { ...fn, name: `f${i}` }, Date.now());
  assert.equal(parseTraceHeader(header)?.lineage.size, 10);
});

test('deliveries: one event per matching configuration, ids stable across re-delivery', () => {
  const notifications = [
    { id: 'all', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:a', events: ['s3:ObjectCreated:*'], filterRules: [] },
    { id: 'jpg', functionArn: 'b', events: ['s3:ObjectCreated:Put'], filterRules: [{ name: 'suffix', value: '.jpg' } as const] },
    { id: 'bad', functionArn: 'not a function!', events: ['s3:ObjectCreated:*'], filterRules: [] },
    { id: 'removals', functionArn: 'c', events: ['s3:ObjectRemoved:*'], filterRules: [] },
  ];
  const first = deliveries(change, notifications, 'outbox:7', 1000);
  assert.deepEqual(first.events.map((e) => [e.name, e.region, e.account, e.source]), [['a', 'us-east-1', '000000000000', 's3']]);
  assert.deepEqual(first.problems.map((p) => p.notification.id), ['bad']);
  assert.equal(hopCount(first.events[0]?.traceHeader, first.events[0] as { account: string; region: string; name: string }), 1);
  const payload = JSON.parse(first.events[0]?.payload.toString() ?? '') as { Records: { s3: { configurationId: string } }[] };
  assert.equal(payload.Records.length, 1);
  assert.equal(payload.Records[0]?.s3.configurationId, 'all');
  const jpg = deliveries({ ...change, key: 'cat.jpg' }, notifications, 'outbox:8', 1000);
  assert.deepEqual(jpg.events.map((e) => [e.name, e.region]), [['a', 'us-east-1'], ['b', 'eu-west-1']]);
  assert.equal(deliveries(change, notifications, 'outbox:7', 5000).events[0]?.id, first.events[0]?.id);
  assert.notEqual(deliveries(change, notifications, 'outbox:9', 1000).events[0]?.id, first.events[0]?.id);
  assert.match(first.events[0]?.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
