// Hostile functions: real attacks deployed to a real `nimbus serve` with the bwrap driver.
// Each reports what the attacker observed; the test asserts it was contained and that a
// control function is still served right after.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { describe, test } from 'node:test';
import { CreateFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { deploy, invoke } from '../helpers/functions.js';
import { ATTEMPT_PRELUDE } from '../helpers/hostile.js';
import { requireBwrap } from '../helpers/privileges.js';
import { hostileSuite } from './hostile-suite.js';

const HOST_SECRET = 'hunter2-host-secret';
const FUNCTION_SECRET = 'the-function-own-value';

/** A zip with a handler plus whatever `add` puts in (yazl writes symlink entries; the test helper's makeZip does not). */
function zipWith(add: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('exports.handler = async () => 1;'), 'index.js');
  add(zip);
  zip.end();
  return buffer(zip.outputStream);
}

describe('hostile functions (bwrap)', { skip: requireBwrap() }, () => {
  const suite = hostileSuite({
    label: 'security',
    env: { NIMBUS_SECRET_OF_THE_HOST: HOST_SECRET, DATABASE_PASSWORD: HOST_SECRET, AWS_SECRET_ACCESS_KEY: HOST_SECRET },
  });
  const contained = suite.contained;

  test('fork bomb: process count capped, the sandbox survives', () => contained('fork bomb', async () => {
    await deploy(suite.lambda, 'forkbomb', {
      'index.js': `const { spawn } = require('child_process');
exports.handler = async () => {
  const children = []; let failure = null;
  // Bounded, so a broken limit cannot take the machine down with the test.
  for (let i = 0; i < 3000 && failure === null; i++) {
    try {
      const child = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
      child.on('error', (e) => { failure ??= e.code; });
      if (child.pid === undefined) failure ??= 'no pid'; else children.push(child);
    } catch (e) { failure = e.code ?? e.message; }
    if (i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 50));
  for (const c of children) c.kill('SIGKILL');
  return { started: children.length, failure };
};`,
    }, { memorySize: 1024, timeout: 30 });
    const { output, payload } = await invoke(suite.lambda, 'forkbomb');
    const p = payload as { started: number; failure: string | null };
    console.log(`# fork bomb observed: ${JSON.stringify(payload)}`);
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    assert.ok(p.started <= 1024, `started at most pids.max processes, started ${p.started}`);
    assert.match(String(p.failure), /EAGAIN|ENOMEM|no pid/);
  }));

  test('memory bomb: killed at its MemorySize, reported as a function error', () => contained('memory bomb', async () => {
    await deploy(suite.lambda, 'membomb', {
      'index.js': `exports.handler = async () => { const keep = []; for (let i = 0; i < 4096; i++) keep.push(Buffer.alloc(1 << 20, i)); return keep.length; };`,
    }, { memorySize: 128, timeout: 30 });
    const { output, payload } = await invoke(suite.lambda, 'membomb');
    assert.equal(output.FunctionError, 'Unhandled');
    assert.match((payload as { errorType: string }).errorType, /^Runtime\.(OutOfMemory|ExitError)$/);
  }));

  test('disk fill in /tmp: ENOSPC at the EphemeralStorage size', () => contained('disk fill', async () => {
    await deploy(suite.lambda, 'diskfill', {
      'index.js': `${ATTEMPT_PRELUDE}
exports.handler = async () => {
  const chunk = Buffer.alloc(1 << 20, 120); let written = 0; let error = null;
  const fd = fs.openSync('/tmp/fill', 'w');
  try { for (let i = 0; i < 2048; i++) { fs.writeSync(fd, chunk); written += chunk.length; } } catch (e) { error = e.code; }
  fs.closeSync(fd); fs.unlinkSync('/tmp/fill');
  return { writtenMb: written / (1 << 20), error };
};`,
    }, { memorySize: 1024, ephemeralStorage: 512, timeout: 30 });
    const { output, payload } = await invoke(suite.lambda, 'diskfill');
    const p = payload as { writtenMb: number; error: string | null };
    console.log(`# disk fill observed: ${JSON.stringify(payload)}`);
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    assert.equal(p.error, 'ENOSPC');
    assert.ok(p.writtenMb <= 512, `wrote at most 512 MB, wrote ${p.writtenMb}`);
  }));

  test('infinite loop: stopped at its timeout', () => contained('infinite loop', async () => {
    await deploy(suite.lambda, 'spin', { 'index.js': 'exports.handler = async () => { for (;;) {} };' }, { timeout: 1 });
    const { output, payload } = await invoke(suite.lambda, 'spin');
    assert.equal(output.FunctionError, 'Unhandled');
    assert.equal((payload as { errorType: string }).errorType, 'Sandbox.Timedout');
  }));

  test('reading /proc: no host process is visible, /proc/1 is the sandbox\'s', () => contained('/proc snooping', async () => {
    await deploy(suite.lambda, 'procsnoop', {
      'index.js': `${ATTEMPT_PRELUDE}
exports.handler = async (event) => ({
  pids: fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).map(Number),
  init: attempt(() => fs.readFileSync('/proc/1/cmdline', 'utf8').split('\\0').join(' ').trim()),
  platformEnviron: attempt(() => fs.readFileSync('/proc/' + event.platformPid + '/environ', 'utf8')),
  mySelf: process.pid,
});`,
    });
    const { payload } = await invoke(suite.lambda, 'procsnoop', { platformPid: suite.server.process.pid });
    const p = payload as { pids: number[]; init: string; platformEnviron: string; mySelf: number };
    const hostInit = (await readFile('/proc/1/cmdline', 'utf8')).split('\0').join(' ').trim();
    assert.ok(p.pids.length <= 4, `sees only its own few processes: ${JSON.stringify(p.pids)}`);
    assert.ok(!p.pids.includes(suite.server.process.pid ?? -1), 'the platform process is not visible');
    assert.ok(p.pids.includes(p.mySelf));
    assert.notEqual(p.init, hostInit, '/proc/1 is not the host\'s init');
    assert.match(p.platformEnviron, /^denied:/);
  }));

  test('signalling the platform: its pid does not exist in the sandbox', () => contained('signalling the platform', async () => {
    await deploy(suite.lambda, 'killer', {
      'index.js': `${ATTEMPT_PRELUDE}
exports.handler = async (event) => ({
  kill: attempt(() => { process.kill(event.platformPid, 'SIGKILL'); return 'sent'; }),
  killParent: attempt(() => { process.kill(process.ppid, 'SIGTERM'); return 'sent'; }),
});`,
    });
    const { payload } = await invoke(suite.lambda, 'killer', { platformPid: suite.server.process.pid });
    const p = payload as { kill: string; killParent: string };
    assert.equal(p.kill, 'denied:ESRCH');
    assert.equal(suite.server.process.exitCode, null, 'the platform still runs');
    assert.equal(suite.server.process.signalCode, null);
  }));

  test('another function\'s code and /tmp are out of reach', () => contained('reading another function', async () => {
    await deploy(suite.lambda, 'victim', {
      'index.js': `require('fs').writeFileSync('/tmp/victim-secret', 'victim-tmp'); exports.handler = async () => 'victim';`,
      'secret.txt': 'victim-code-secret',
    });
    await invoke(suite.lambda, 'victim');
    await deploy(suite.lambda, 'thief', {
      'index.js': `${ATTEMPT_PRELUDE}
const walk = (dir, depth) => { const out = []; if (depth > 6) return out;
  for (const e of attempt(() => fs.readdirSync(dir, { withFileTypes: true })) || []) {
    if (typeof e === 'string') continue; const full = dir + '/' + e.name;
    if (full.startsWith('/proc') || full.startsWith('/sys') || full.startsWith('/dev')) continue;
    if (e.isDirectory()) out.push(...walk(full, depth + 1)); else if (/secret/.test(e.name)) out.push(full);
  } return out; };
exports.handler = async (event) => ({
  victimTmp: attempt(() => fs.readFileSync('/tmp/victim-secret', 'utf8')),
  slots: attempt(() => fs.readdirSync(event.dataDir)),
  found: walk('', 0),
});`,
    });
    const { payload } = await invoke(suite.lambda, 'thief', { dataDir: suite.server.dataDir });
    const p = payload as { victimTmp: string; slots: string; found: string[] };
    assert.equal(p.victimTmp, 'denied:ENOENT');
    assert.match(p.slots, /^denied:/);
    assert.deepEqual(p.found, [], 'no file named like the victim\'s secrets anywhere in the sandbox');
  }));

  test('the platform\'s data dir and environment are not visible; only the function\'s own env', () => contained('reading the platform env', async () => {
    await deploy(suite.lambda, 'envsnoop', {
      'index.js': `${ATTEMPT_PRELUDE}
exports.handler = async (event) => ({
  env: process.env,
  initEnviron: attempt(() => fs.readFileSync('/proc/1/environ', 'utf8')),
  dataDir: attempt(() => fs.readdirSync(event.dataDir)),
  database: attempt(() => fs.readFileSync(event.dataDir + '/nimbus.db').length),
});`,
    }, { environment: { OWN: FUNCTION_SECRET } });
    const { payload } = await invoke(suite.lambda, 'envsnoop', { dataDir: suite.server.dataDir });
    const p = payload as { env: Record<string, string>; initEnviron: string; dataDir: string; database: string };
    assert.equal(p.env.OWN, FUNCTION_SECRET);
    assert.deepEqual(Object.keys(p.env).filter((k) => k.startsWith('NIMBUS') || k === 'DATABASE_PASSWORD'), []);
    assert.ok(!JSON.stringify(p).includes(HOST_SECRET), 'no host secret anywhere the function looked');
    assert.match(p.dataDir, /^denied:/);
    assert.match(p.database, /^denied:/);
  }));

  test('no connection to services on the host\'s loopback (PostgreSQL, Redis, a live listener)', () => contained('loopback services', async () => {
    await deploy(suite.lambda, 'netprobe', {
      'index.js': `const net = require('net');
const tryConnect = (port) => new Promise((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
  s.once('connect', () => { s.destroy(); resolve('connected'); });
  s.once('timeout', () => { s.destroy(); resolve('timeout'); });
  s.once('error', (e) => resolve('denied:' + e.code));
});
exports.handler = async (event) => ({
  postgres: await tryConnect(5432), redis: await tryConnect(6379), live: await tryConnect(event.hostPort),
});`,
    });
    const { payload } = await invoke(suite.lambda, 'netprobe', { hostPort: suite.hostPort });
    const p = payload as Record<string, string>;
    for (const [service, result] of Object.entries(p)) assert.notEqual(result, 'connected', `${service} reached from the sandbox`);
    assert.match(p.live ?? '', /^denied:|^timeout$/);
  }));

  describe('symlink tricks in the code zip are refused at upload', () => {
    const tricks: [string, string][] = [
      ['to /etc/passwd', '/etc/passwd'],
      ['up and out of the tree', '../../../../etc/shadow'],
      ['to the root of pid 1 through /proc', '/proc/1/root'],
    ];
    for (const [label, target] of tricks) {
      test(`a symlink ${label}`, () => contained(`symlink ${label}`, async () => {
        const before = await suite.lambda.send(new ListFunctionsCommand({}));
        const zip = await zipWith((z) => z.addBuffer(Buffer.from(target), 'data/link', { mode: 0o120777 }));
        await assert.rejects(suite.lambda.send(new CreateFunctionCommand({
          FunctionName: 'symlinked', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/test', Handler: 'index.handler', Code: { ZipFile: zip },
        })), (err: Error) => err.name === 'InvalidParameterValueException');
        const afterList = await suite.lambda.send(new ListFunctionsCommand({}));
        assert.deepEqual(afterList.Functions?.map((f) => f.FunctionName).sort(), before.Functions?.map((f) => f.FunctionName).sort());
      }));
    }
  });
});
