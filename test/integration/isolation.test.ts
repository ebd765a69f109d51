// What a function cannot reach (bwrap driver), and scale to zero.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deploy, invoke } from '../helpers/functions.js';
import { requireBwrap } from '../helpers/privileges.js';

interface InstancesView { functions: { name: string; live: number; idlePids: number[] }[] }

async function instances(server: RunningServer): Promise<InstancesView> {
  return (await (await fetch(`${server.url}/nimbus/v1/instances`)).json()) as InstancesView;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('isolation (bwrap)', { skip: requireBwrap() }, () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer({ args: ['--sandbox', 'bwrap'], env: { NIMBUS_SECRET_OF_THE_HOST: 'do-not-leak' } });
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('a function sees its own code read-only and nothing of other functions, the data dir or the host', async () => {
    await deploy(lambda, 'victim', { 'index.js': 'exports.handler = async () => "victim";', 'secret.txt': 'victim-secret' });
    await invoke(lambda, 'victim');
    await deploy(lambda, 'snoop', {
      'index.js': `const fs = require('fs');
const attempt = (f) => { try { return f(); } catch (e) { return 'denied:' + e.code; } };
exports.handler = async (event) => ({
  ownCode: attempt(() => fs.readFileSync('/var/task/index.js', 'utf8').length > 0),
  writeOwnCode: attempt(() => { fs.writeFileSync('/var/task/x', '1'); return 'wrote'; }),
  dataDir: attempt(() => fs.readdirSync(event.dataDir)),
  codeCache: attempt(() => fs.readdirSync(event.dataDir + '/code')),
  etcShadow: attempt(() => fs.readFileSync('/etc/shadow', 'utf8')),
  root: attempt(() => fs.readdirSync('/root')),
  hostEnv: Object.keys(process.env).filter((k) => k.startsWith('NIMBUS')),
  procs: attempt(() => fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).length),
  uid: process.getuid(),
});`,
    });
    const { payload } = await invoke(lambda, 'snoop', { dataDir: server.dataDir });
    const p = payload as Record<string, unknown>;
    assert.equal(p.ownCode, true);
    assert.match(String(p.writeOwnCode), /^denied:E(ROFS|ACCES|PERM)$/);
    assert.match(String(p.dataDir), /^denied:/);
    assert.match(String(p.codeCache), /^denied:/);
    assert.match(String(p.etcShadow), /^denied:/);
    assert.match(String(p.root), /^denied:/);
    assert.deepEqual(p.hostEnv, []);
    assert.ok(Number(p.procs) <= 3, `sees only its own processes, saw ${String(p.procs)}`);
    assert.notEqual(p.uid, 0, 'the guest does not run as root');
  });
});

describe('scale to zero', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer({ args: ['--keep-alive-seconds', '1'] });
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('after the keep-alive with no traffic no instance of the function is left running', async () => {
    await deploy(lambda, 'sleepy', { 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 200)); return process.pid; };' });
    await Promise.all([invoke(lambda, 'sleepy'), invoke(lambda, 'sleepy'), invoke(lambda, 'sleepy')]);
    const busy = (await instances(server)).functions.find((f) => f.name === 'sleepy');
    assert.ok(busy && busy.live >= 2, `three concurrent calls ran on several instances: ${JSON.stringify(busy)}`);
    const pids = busy.idlePids;
    await new Promise((r) => setTimeout(r, 3000));
    const idle = (await instances(server)).functions.find((f) => f.name === 'sleepy');
    assert.equal(idle?.live ?? 0, 0);
    for (const pid of pids) assert.equal(processAlive(pid), false, `sandbox process ${pid} is gone`);
    assert.deepEqual((await invoke(lambda, 'sleepy')).output.FunctionError, undefined, 'and a new call starts one again');
  });
});
