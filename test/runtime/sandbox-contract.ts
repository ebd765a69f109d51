// The contract every sandbox driver passes (STYLE.md practice 13). Each driver's test
// file calls sandboxContract() with a factory; the factory returns a reason string when
// the driver cannot run on this machine, and the suite then skips — except in CI
// (CI=true), where a driver that cannot run is a failure.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { leafDescendant } from '../../src/runtime/sandbox/launch.js';
import type { Sandbox, SandboxDriver, SandboxStartOptions } from '../../src/runtime/sandbox/index.js';
import { describeReply, errorOf, GuestSession } from './guest-session.js';

export interface ContractOptions {
  readonly name: string;
  /** Makes the driver over workDir, or says why it cannot run here. */
  readonly create: (workDir: string) => Promise<SandboxDriver | string>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export function sandboxContract(options: ContractOptions): void {
  describe(`sandbox contract: ${options.name}`, () => {
    let driver: SandboxDriver | undefined;
    let skipReason = 'driver not created';
    let workDir = '';
    const started: Sandbox[] = [];

    before(async () => {
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), `nimbus-sbx-${options.name}-`));
      fs.chmodSync(workDir, 0o755); // the guest's uid must reach its slot
      const made = await options.create(workDir);
      if (typeof made === 'string') {
        if (process.env['CI'] === 'true') throw new Error(`${options.name} driver must run in CI: ${made}`);
        skipReason = made;
        console.log(`# skipping the ${options.name} sandbox contract: ${made}`);
      } else {
        driver = made;
      }
    });

    after(async () => {
      await driver?.dispose();
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    /** A test that gets a fresh started sandbox and a session on it; it is disposed afterwards. */
    const it = (title: string, fn: (s: GuestSession, d: SandboxDriver, t: TestContext) => Promise<void> | void, start?: SandboxStartOptions): void => {
      test(title, async (t) => {
        if (!driver) return t.skip(skipReason);
        const sandbox = await driver.start(start);
        started.push(sandbox);
        try {
          await fn(new GuestSession(sandbox), driver, t);
        } finally {
          await sandbox.dispose();
        }
      });
    };

    it('start() resolves once the guest is ready and idle', (s) => {
      assert.equal(s.sandbox.state, 'idle');
      assert.equal(s.sandbox.ready.node, process.version);
      assert.match(s.sandbox.id, /^[0-9a-f]{32}$/);
      assert.ok(s.sandbox.pid > 0);
    });

    it('CommonJS handler: init, invoke, context and console lines with the request id', async (s) => {
      const init = await s.init('sbx-cjs');
      assert.equal(init.kind === 'message' && init.message.t, 'init-ok', describeReply(init));
      const result = (await s.call({ n: 41 }, 'req-cjs-1')) as Record<string, unknown>;
      assert.deepEqual(result['event'], { n: 41 });
      assert.equal(result['requestId'], 'req-cjs-1');
      assert.equal(result['memoryLimitInMB'], '256');
      assert.ok((result['remaining'] as number) > 5000);
      const line = s.logs.find((l) => l.text.includes('hello from cjs'));
      assert.ok(line, 'console.log arrived as a log frame');
      assert.equal(line.requestId, 'req-cjs-1');
      assert.match(line.text, /^\d{4}-\d\d-\d\dT[\d:.]+Z\treq-cjs-1\tINFO\thello from cjs 41$/);
      // The log frame precedes the result.
      assert.ok(s.timeline.indexOf('log:hello from cjs 41') < s.timeline.lastIndexOf('result'));
      // Warm: the same sandbox answers again.
      assert.deepEqual(((await s.call({ n: 2 })) as Record<string, unknown>)['event'], { n: 2 });
    });

    it('ESM .mjs handler with top-level await', async (s) => {
      const init = await s.init('sbx-mjs');
      assert.equal(init.kind === 'message' && init.message.t, 'init-ok', describeReply(init));
      const result = (await s.call({ x: 1 })) as Record<string, unknown>;
      assert.equal(result['style'], 'mjs');
      assert.equal(typeof result['loadedAt'], 'number');
    });

    it('.js handler under "type": "module", nested export path', async (s) => {
      const init = await s.init('sbx-esm-pkg', { handler: 'app.api.main' });
      assert.equal(init.kind === 'message' && init.message.t, 'init-ok', describeReply(init));
      assert.deepEqual(await s.call({ y: 2 }), { style: 'esm-pkg', event: { y: 2 } });
    });

    it('callback handler waits for the event loop, unless callbackWaitsForEmptyEventLoop = false', async (s) => {
      await s.init('sbx-callback');
      assert.deepEqual(await s.call({ delayMs: 50 }), { style: 'callback', timerFiredBefore: 0 });
      assert.ok(s.timeline.indexOf('log:timer fired') < s.timeline.lastIndexOf('result'), s.timeline.join(','));
      const before = s.timeline.length;
      assert.deepEqual(await s.call({ delayMs: 300, noWait: true }), { style: 'callback', timerFiredBefore: 1 });
      assert.ok(!s.timeline.slice(before).includes('log:timer fired'), 'responded before the timer');
    });

    it('context.succeed responds at once, without waiting for the event loop', async (s) => {
      await s.init('sbx-callback', { handler: 'index.done' });
      const t0 = Date.now();
      assert.deepEqual(await s.call({}), { style: 'succeed' });
      assert.ok(Date.now() - t0 < 3000, 'did not wait for the 5 s timer');
    });

    it('a non-async handler that returns a value without calling back responds null once the loop drains', async (s) => {
      await s.init('sbx-callback', { handler: 'index.sync' });
      assert.equal(await s.call({}), null);
    });

    it('unknown module → Runtime.ImportModuleError; missing export → Runtime.HandlerNotFound', async (s, d) => {
      assert.equal(errorOf(await s.init('sbx-cjs', { handler: 'nope.handler' })).errorType, 'Runtime.ImportModuleError');
      const other = new GuestSession(await d.start());
      try {
        const err = errorOf(await other.init('sbx-cjs', { handler: 'index.missing' }));
        assert.equal(err.errorType, 'Runtime.HandlerNotFound');
        assert.equal(err.errorMessage, 'index.missing is undefined or not exported');
      } finally {
        await other.sandbox.dispose();
      }
    });

    it('handler errors cross as { errorType, errorMessage, trace } and an Invoke Error line', async (s) => {
      await s.init('sbx-probe');
      const err = errorOf(await s.invoke({ action: 'throw' }, 'req-err'));
      assert.equal(err.errorType, 'TypeError');
      assert.equal(err.errorMessage, 'boom');
      assert.equal(err.trace[0], 'TypeError: boom');
      assert.ok(s.logs.some((l) => l.requestId === 'req-err' && l.level === 'ERROR' && l.text.includes('\tInvoke Error \t{"errorType":"TypeError"')));
      assert.deepEqual(errorOf(await s.invoke({ action: 'throwString' })), { errorType: 'string', errorMessage: 'just a string', trace: [] });
    });

    it('an uncaught exception during an invoke reports an error, then the guest exits 129', async (s) => {
      await s.init('sbx-probe');
      assert.equal(errorOf(await s.invoke({ action: 'uncaught' })).errorMessage, 'async boom');
      const exit = await s.sandbox.exited;
      assert.equal(exit.code, 129);
    });

    it('kill() ends the whole sandbox: exited resolves and nothing is left running', async (s) => {
      await s.init('sbx-probe');
      const leaf = leafDescendant(s.sandbox.pid);
      assert.ok(leaf !== undefined);
      s.sandbox.kill('timeout');
      s.sandbox.kill('requested'); // idempotent, first reason kept
      const exit = await s.sandbox.exited;
      assert.equal(exit.killedBy, 'timeout');
      assert.equal(s.sandbox.state, 'exited');
      assert.equal(alive(s.sandbox.pid), false);
      assert.equal(alive(leaf), false);
    });

    it('the handler cannot write its code; /tmp (TMPDIR) is writable', async (s) => {
      await s.init('sbx-probe');
      const write = (await s.call({ action: 'writeTask' })) as { ok: boolean; code?: string };
      assert.equal(write.ok, false);
      assert.ok(['EROFS', 'EACCES', 'ERR_ACCESS_DENIED'].includes(write.code ?? ''), write.code);
      assert.deepEqual(await s.call({ action: 'writeTmp' }), { ok: true, value: 'hello' });
    });

    it('the environment is exactly what init set', async (s) => {
      const env = { AWS_LAMBDA_FUNCTION_NAME: 'probe', TZ: ':UTC', PATH: '/usr/bin:/bin', TMPDIR: s.sandbox.tmpDir, MY_VAR: 'x y' };
      await s.init('sbx-probe', { env });
      const result = (await s.call({ action: 'env' })) as { env: Record<string, string>; cwd: string };
      assert.deepEqual(result.env, env);
      assert.equal(result.cwd, s.sandbox.taskRoot);
    });

    it('host files outside the sandbox are not readable', async (s) => {
      await s.init('sbx-probe');
      const passwd = (await s.call({ action: 'read', path: '/etc/passwd' })) as { ok: boolean; code?: string };
      assert.equal(passwd.ok, false);
      assert.ok(['ENOENT', 'ERR_ACCESS_DENIED'].includes(passwd.code ?? ''), passwd.code);
      const data = (await s.call({ action: 'readdir', path: workDir })) as { ok: boolean };
      assert.equal(data.ok, false, 'the data dir is not visible');
    });

    it('the AWS SDK v3 is importable from CommonJS and ESM', async (s) => {
      await s.init('sbx-probe');
      assert.deepEqual(await s.call({ action: 'sdk' }), { cjs: true, esm: true });
    });

    it('assign() refuses a tmpMb other than the one the sandbox was started with', async (s) => {
      await assert.rejects(s.sandbox.assign({ codeDir: s.sandbox.taskRoot, memoryMb: 128, tmpMb: 1024, instanceId: 'b'.repeat(32) }), /tmpMb/);
    });

    it('memory over the limit is killed and reported as OOM (memory cgroups)', async (s, d, t) => {
      if (!d.memoryCgroups) return t.skip('no memory cgroups here (needs root and a writable memory controller)');
      await s.init('sbx-probe', { memoryMb: 128 });
      const reply = await s.invoke({ action: 'hog', mb: 512 });
      assert.equal(reply.kind, 'exited', describeReply(reply));
      const exit = await s.sandbox.exited;
      assert.equal(exit.oomKilled, true);
      assert.ok((s.sandbox.peakMemoryBytes() ?? 0) >= 100 * 1024 * 1024);
    });

    if (options.name === 'bwrap') {
      it('bwrap: no network, a private /proc, host root not visible', async (s) => {
        await s.init('sbx-probe');
        const net = (await s.call({ action: 'net' })) as { connected: boolean };
        assert.equal(net.connected, false);
        const root = (await s.call({ action: 'readdir', path: '/' })) as { ok: boolean; value: string[] };
        const allowed = new Set(['bin', 'dev', 'etc', 'lib', 'lib64', 'node_modules', 'opt', 'proc', 'sbin', 'tmp', 'usr', 'var']);
        assert.deepEqual(root.value.filter((n) => !allowed.has(n)), [], `unexpected entries in / : ${root.value.join(',')}`);
        const etc = (await s.call({ action: 'readdir', path: '/etc' })) as { ok: boolean; value?: string[] };
        assert.ok(!etc.ok || etc.value?.every((n) => n === 'ssl'), 'only /etc/ssl is mounted');
        const env = (await s.call({ action: 'env' })) as { uid: number };
        assert.notEqual(env.uid, 0);
      });

      it('bwrap: writing past tmpMb fails with ENOSPC in the handler', async (s) => {
        await s.init('sbx-probe', { memoryMb: 256, tmpMb: 8 });
        const fill = (await s.call({ action: 'fillTmp', maxMb: 64 })) as { ok: boolean; code?: string; written: number };
        assert.equal(fill.ok, false);
        assert.equal(fill.code, 'ENOSPC');
        assert.ok(fill.written <= 8);
      }, { tmpMb: 8 });
    }
  });
}
