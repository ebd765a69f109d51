// Schedules on a real platform: managed through the admin API and the CLI, they invoke a
// real function through the async path with the scheduled event (or a fixed input).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nimbus } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { admin, atExpression, eventLogger, localTime, waitForEvents } from './schedule-support.js';

describe('schedules', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
    await deploy(server.lambda(), 'ticked', eventLogger());
  });
  after(async () => server.dispose());

  test('an at() schedule in a time zone invokes the function with the scheduled event at that time', async () => {
    const { expression, instant } = atExpression(3, 'Europe/Berlin');
    const created = await admin(server, 'POST', '', { name: 'berlin-once', expression, timezone: 'Europe/Berlin', function: 'ticked', description: 'a test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.nextFireAt, new Date(instant).toISOString().replace('.000Z', 'Z'));
    const withInput = atExpression(3);
    assert.equal((await admin(server, 'PUT', '/fixed', { expression: withInput.expression, function: 'ticked', input: { job: 'nightly', ids: [1, 2] } })).status, 201);

    const events = await waitForEvents(server, 'ticked', (e) => e.length >= 2);
    const scheduled = events.find((e) => e.event.source === 'aws.events')?.event;
    assert.deepEqual({ ...scheduled, id: undefined }, {
      version: '0', id: undefined, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000',
      time: new Date(instant).toISOString().replace('.000Z', 'Z'), region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/berlin-once'], detail: {},
    });
    assert.deepEqual(events.find((e) => e.event.source === undefined)?.event, { job: 'nightly', ids: [1, 2] });

    const fired = await admin(server, 'GET', '/berlin-once');
    assert.equal(fired.body.lastFiredAt, scheduled?.time);
    assert.equal(fired.body.nextFireAt, undefined, 'an at() fires once');
    const asyncEvents = (await (await fetch(`${server.url}/nimbus/v1/events?function=ticked`)).json()) as { Events: { Source: string; Status: string }[] };
    assert.deepEqual(asyncEvents.Events.map((e) => e.Source), ['schedule', 'schedule'], 'delivered through the async queue');
  });

  test('the admin API validates every field in the admin error shape', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{ name: 'x', expression: 'rate(1 minutes)', function: 'ticked' }, 400, 'InvalidParameterValueException', /^expression: rate\(1 minutes\): with the value 1 the unit is 'minute'/],
      [{ name: 'x', expression: 'cron(0 12 * * * *)', function: 'ticked' }, 400, 'InvalidParameterValueException', /exactly one of day-of-month .* must be '\?'/],
      [{ name: 'x', expression: 'rate(5 minutes)', function: 'ticked', timezone: 'Mars/Base' }, 400, 'InvalidParameterValueException', /^timezone: unknown time zone 'Mars\/Base'/],
      [{ name: 'x', expression: 'rate(5 minutes)', function: 'ticked', timeZone: 'UTC' }, 400, 'InvalidParameterValueException', /timeZone/],
      [{ name: 'x y', expression: 'rate(5 minutes)', function: 'ticked' }, 400, 'InvalidParameterValueException', /^name: 'x y' must be 1 to 64/],
      [{ name: 'x', expression: 'rate(5 minutes)' }, 400, 'InvalidParameterValueException', /^function: is required/],
      [{ name: 'x', expression: 'rate(5 minutes)', function: 'arn:aws:lambda:eu-west-1:000000000000:function:ticked' }, 400, 'InvalidParameterValueException', /another account or region/],
      [{ name: 'x', expression: 'rate(5 minutes)', function: 'ticked', state: 'PAUSED' }, 400, 'InvalidParameterValueException', /^state: is invalid/],
      [{ name: 'x', expression: 'rate(5 minutes)', function: 'ticked', input: 'x'.repeat(9000) }, 400, 'InvalidParameterValueException', /^input: must be at most 8192 bytes/],
      [{ name: 'x', expression: 'at(2001-01-01T00:00:00)', function: 'ticked' }, 400, 'InvalidParameterValueException', /has no time left to fire at/],
      [{ name: 'x', expression: 'rate(5 minutes)', function: 'nobody' }, 404, 'ResourceNotFoundException', /Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody/],
    ];
    for (const [body, status, type, message] of cases) {
      const answer = await admin(server, 'POST', '', body);
      assert.equal(answer.status, status, JSON.stringify(body));
      assert.equal(answer.errorType, type, JSON.stringify(body));
      assert.match(answer.body.message ?? String(answer.body.Message), message);
    }
    const bad = await fetch(`${server.url}/nimbus/v1/schedules`, { method: 'POST', body: '{not json' });
    assert.equal(bad.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    assert.equal((await admin(server, 'GET', '/nope')).errorType, 'ResourceNotFoundException');
    assert.equal((await admin(server, 'DELETE', '/nope')).status, 404);
    assert.equal((await admin(server, 'POST', '/nope/enable')).status, 404);
    const body = { name: 'dup', expression: 'rate(1 day)', function: 'ticked', state: 'DISABLED' };
    assert.equal((await admin(server, 'POST', '', body)).status, 201);
    const again = await admin(server, 'POST', '', body);
    assert.equal(again.status, 409);
    assert.equal(again.errorType, 'ResourceConflictException');
    assert.equal((await admin(server, 'PUT', '/dup', { ...body, name: 'other' })).status, 400, 'the body cannot rename it');
    assert.equal((await admin(server, 'PUT', '/dup', body)).status, 200, 'PUT replaces');
    assert.equal((await admin(server, 'DELETE', '/dup')).status, 204);
  });

  test('CLI round trip: add, list, get, disable, enable, rm; flags are checked', async () => {
    const endpoint = ['--endpoint', server.url];
    const added = await nimbus(['schedule', 'add', 'cli-nightly', '--function', 'ticked', '--expression', 'cron(30 2 ? * MON-FRI *)', '--timezone', 'America/New_York', '--input', '{"report":true}', ...endpoint]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^created schedule cli-nightly: next fire \d{4}-\d\d-\d\dT(06|07):30:00Z\n$/);

    const listed = await nimbus(['schedule', 'list', ...endpoint]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /cli-nightly\s+ENABLED\s+cron\(30 2 \? \* MON-FRI \*\)\s+America\/New_York\s+ticked/);
    const json = await nimbus(['schedule', 'get', 'cli-nightly', '--json', ...endpoint]);
    const view = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(view.expression, 'cron(30 2 ? * MON-FRI *)');
    assert.deepEqual(view.input, { report: true });
    assert.equal(view.arn, 'arn:aws:events:us-east-1:000000000000:rule/cli-nightly');

    const disabled = await nimbus(['schedule', 'disable', 'cli-nightly', ...endpoint]);
    assert.equal(disabled.code, 0, disabled.stderr);
    const shown = await nimbus(['schedule', 'get', 'cli-nightly', ...endpoint]);
    assert.match(shown.stdout, /State:\s+DISABLED/);
    assert.match(shown.stdout, /NextFire:\s+-/);
    assert.match((await nimbus(['schedule', 'enable', 'cli-nightly', ...endpoint])).stdout, /enabled schedule cli-nightly: next fire /);
    const filtered = await nimbus(['schedule', 'list', '--function', 'other', '--json', ...endpoint]);
    assert.deepEqual(JSON.parse(filtered.stdout), []);

    const once = atExpression(3600, 'Asia/Tokyo');
    const disabledAdd = await nimbus(['schedule', 'add', 'cli-once', '--function', 'ticked', '--expression', once.expression, '--timezone', 'Asia/Tokyo', '--disabled', '--json', ...endpoint]);
    assert.equal((JSON.parse(disabledAdd.stdout) as { state: string }).state, 'DISABLED');
    assert.equal((await nimbus(['schedule', 'rm', 'cli-once', ...endpoint])).code, 0);
    const removed = await nimbus(['schedule', 'rm', 'cli-nightly', ...endpoint]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /removed schedule cli-nightly/);
    const gone = await nimbus(['schedule', 'get', 'cli-nightly', ...endpoint]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /ResourceNotFoundException: Schedule cli-nightly does not exist/);

    const usage: [string[], RegExp][] = [
      [['schedule', 'add', 'x', '--expression', 'rate(5 minutes)'], /needs --function/],
      [['schedule', 'add', 'x', '--function', 'ticked'], /needs --expression/],
      [['schedule', 'add', 'x', '--function', 'ticked', '--expression', 'rate(5 minutes)', '--input', '{oops'], /--input is not valid JSON/],
      [['schedule', 'add', 'x', '--function', 'ticked', '--expression', 'rate(5 minutes)', '--input', '@/nonexistent.json'], /--input @\/nonexistent.json: cannot read/],
      [['schedule', 'add', 'bad name', '--function', 'ticked', '--expression', 'rate(5 minutes)'], /schedule name 'bad name' must be/],
      [['schedule', 'rm'], /schedule rm takes one schedule name, got 0/],
      [['schedule', 'list', '--timezone', 'UTC'], /--timezone goes with 'schedule add'/],
      [['schedule', 'get', 'x', '--function', 'f'], /--function goes with 'schedule add' or 'schedule list'/],
      [['schedule', 'pause', 'x'], /unknown action 'pause'/],
      [['schedule'], /missing action/],
    ];
    for (const [args, message] of usage) {
      const result = await nimbus([...args, ...endpoint]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const invalid = await nimbus(['schedule', 'add', 'x', '--function', 'ticked', '--expression', 'cron(0 25 * * ? *)', ...endpoint]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /InvalidParameterValueException: expression: cron\(0 25 \* \* \? \*\): hours field '25': 25 is out of range/);
    assert.equal(localTime(Date.UTC(2024, 0, 1, 12), 'Asia/Tokyo'), '2024-01-01T21:00:00', 'the helper writes wall times as at() wants');
  });

  test('deleting a function keeps its schedules; their ticks fail in the async path', async () => {
    await deploy(server.lambda(), 'short-lived', eventLogger());
    const { expression } = atExpression(4); // room to delete the function before it fires
    assert.equal((await admin(server, 'POST', '', { name: 'orphan', expression, function: 'short-lived' })).status, 201);
    assert.equal((await nimbus(['delete', 'short-lived', '--endpoint', server.url])).code, 0);
    assert.equal((await admin(server, 'GET', '/orphan')).status, 200, 'the schedule outlives its function');
    const deadline = Date.now() + 15_000;
    let failed: { Status: string; LastError?: string }[] = [];
    while (Date.now() < deadline && failed.length === 0) {
      const res = await fetch(`${server.url}/nimbus/v1/events?function=short-lived&status=failed`);
      failed = ((await res.json()) as { Events: typeof failed }).Events;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(failed.length, 1);
    assert.match(failed[0]?.LastError ?? '', /ResourceNotFoundException/);
  });
});
