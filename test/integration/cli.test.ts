// The nimbus CLI against a running platform, run as a user runs it.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nimbus } from '../helpers/cli.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('nimbus CLI', () => {
  let server: RunningServer;
  let dir: string;
  before(async () => {
    server = await startServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-cli-'));
    await mkdir(path.join(dir, 'lib'));
    await writeFile(path.join(dir, 'index.js'), "exports.handler = async () => require('./lib/answer.js');\n");
    await writeFile(path.join(dir, 'lib', 'answer.js'), 'module.exports = 42;\n');
  });
  after(async () => {
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('deploy a directory, list it, get it, redeploy, delete it', async () => {
    const deployed = await nimbus(['deploy', dir, '--name', 'cli-fn', '--memory', '256', '--env', 'MODE=test', '--endpoint', server.url]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /deployed cli-fn created sha256=\S+ size=\d+/);

    const listed = await nimbus(['list'], { NIMBUS_ENDPOINT: server.url });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /cli-fn\s+nodejs20\.x\s+256/);

    const json = await nimbus(['get', 'cli-fn', '--json', '--endpoint', server.url]);
    const config = JSON.parse(json.stdout) as { Configuration?: { Environment?: { Variables?: Record<string, string> }; State?: string } } & Record<string, unknown>;
    const conf = (config.Configuration ?? config) as { Environment?: { Variables?: Record<string, string> }; State?: string };
    assert.deepEqual(conf.Environment?.Variables, { MODE: 'test' });
    assert.equal(conf.State, 'Active');

    const again = await nimbus(['deploy', dir, '--name', 'cli-fn', '--endpoint', server.url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /deployed cli-fn updated/);

    const deleted = await nimbus(['delete', 'cli-fn', '--endpoint', server.url]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const missing = await nimbus(['get', 'cli-fn', '--endpoint', server.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  test('bad flags and an unreachable platform get clear messages', async () => {
    const badMemory = await nimbus(['deploy', dir, '--name', 'x', '--memory', 'lots', '--endpoint', server.url]);
    assert.equal(badMemory.code, 2);
    assert.match(badMemory.stderr, /--memory/);
    const unknown = await nimbus(['list', '--colour']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--colour/);
    const down = await nimbus(['list', '--endpoint', 'http://127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /no Nimbus platform answering at http:\/\/127\.0\.0\.1:1/);
  });
});
