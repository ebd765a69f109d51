// The bwrap sandbox's second line of defence, attacked through a real `nimbus serve`:
// the seccomp deny-list (nested namespaces, ptrace, mount, keyrings, BPF, io_uring…),
// the CPU share proportional to MemorySize, and the per-function outbound network opt-in
// (tag nimbus:network=outbound) that still keeps the host's loopback out of reach.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreateFunctionCommand, TagResourceCommand, UntagResourceCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { slirp4netnsAvailable } from '../../src/runtime/sandbox/network.js';
import { deploy, invoke } from '../helpers/functions.js';
import { requireBwrap, requireCpuLimits } from '../helpers/privileges.js';
import { makeZip } from '../helpers/zip.js';
import { hostileSuite } from './hostile-suite.js';

const FUNCTION_ARN = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Each probe is a raw syscall through ctypes; the result is 'ok' or the errno's name. */
const SYSCALL_PROBES = `import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
def probe(nr, *args):
    r = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    return 'ok' if r >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
X64 = os.uname().machine == 'x86_64'
NR = {  # x86_64, aarch64
    'unshare': (272, 97), 'ptrace': (101, 117), 'mount': (165, 40), 'keyctl': (250, 219), 'bpf': (321, 280),
    'perf_event_open': (298, 241), 'io_uring_setup': (425, 425), 'clone3': (435, 435), 'setns': (308, 268),
}
def nr(name): return NR[name][0 if X64 else 1]
def fork_and_wait():
    pid = os.fork()
    if pid == 0: os._exit(7)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
def lambda_handler(event, context):
    return {
        'unshare_user': probe(nr('unshare'), 0x10000000),
        'ptrace_traceme': probe(nr('ptrace'), 0, 0, 0, 0),
        'mount_tmpfs': probe(nr('mount'), 0, 0, 0, 0, 0),
        'keyctl': probe(nr('keyctl'), 0, 0, 0, 0, 0),
        'bpf': probe(nr('bpf'), 0, 0, 0),
        'perf_event_open': probe(nr('perf_event_open'), 0, 0, -1, -1, 0),
        'io_uring_setup': probe(nr('io_uring_setup'), 1, 0),
        'setns': probe(nr('setns'), 0, 0),
        'clone3': probe(nr('clone3'), 0, 0),
        'seccomp_mode': [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')][0],
        'fork_still_works': fork_and_wait(),
    }
`;

/** The network probe: the interfaces the sandbox has, its default route, and what it can connect to. */
const NETWORK_PROBE = `const net = require('net'); const os = require('os'); const fs = require('fs');
const tryConnect = (host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 2000 });
  s.once('connect', () => { s.destroy(); resolve('connected'); });
  s.once('timeout', () => { s.destroy(); resolve('timeout'); });
  s.once('error', (e) => resolve('denied:' + e.code));
});
exports.handler = async (event) => {
  const interfaces = Object.entries(os.networkInterfaces()).map(([name, addrs]) => ({ name, ipv4: addrs.filter((a) => a.family === 'IPv4').map((a) => a.address) }));
  const routes = fs.readFileSync('/proc/net/route', 'utf8').trim().split('\\n').slice(1).map((l) => l.split('\\t'));
  return {
    interfaces,
    defaultRoute: routes.some((r) => r[1] === '00000000'),
    hostLoopbackPostgres: await tryConnect('10.0.2.2', 5432),
    hostLoopbackListener: await tryConnect('10.0.2.2', event.hostPort),
    ownLoopbackPostgres: await tryConnect('127.0.0.1', 5432),
  };
};`;

interface NetworkView {
  interfaces: { name: string; ipv4: string[] }[];
  defaultRoute: boolean;
  hostLoopbackPostgres: string;
  hostLoopbackListener: string;
  ownLoopbackPostgres: string;
}

describe('sandbox hardening (bwrap)', { skip: requireBwrap() }, () => {
  const suite = hostileSuite({ label: 'sandbox hardening' });
  const contained = suite.contained;

  test('seccomp: a Python function\'s raw syscalls for namespaces, ptrace, mount, keyrings, BPF, perf and io_uring get EPERM', () => contained('seccomp syscalls', async () => {
    await suite.lambda.send(new CreateFunctionCommand({
      FunctionName: 'syscalls', Runtime: 'python3.11', Role: 'arn:aws:iam::000000000000:role/test', Handler: 'probe.lambda_handler',
      Code: { ZipFile: await makeZip({ 'probe.py': SYSCALL_PROBES }) }, Timeout: 30,
    }));
    await waitUntilFunctionActiveV2({ client: suite.lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'syscalls' });
    const { output, payload } = await invoke(suite.lambda, 'syscalls');
    console.log(`# seccomp probes observed: ${JSON.stringify(payload)}`);
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    const p = payload as Record<string, string | number>;
    assert.equal(p.seccomp_mode, '2', 'the guest runs under a seccomp filter');
    for (const call of ['unshare_user', 'ptrace_traceme', 'mount_tmpfs', 'keyctl', 'bpf', 'perf_event_open', 'io_uring_setup', 'setns']) {
      assert.equal(p[call], 'EPERM', `${call} is refused`);
    }
    assert.equal(p.clone3, 'ENOSYS', 'clone3 looks absent, so libc falls back to clone');
    assert.equal(p.fork_still_works, 7, 'fork (clone without namespace flags) still works');
  }));

  test('seccomp: `unshare -U`, `strace` and `mount` run by a Node function are refused', () => contained('seccomp tools', async () => {
    await deploy(suite.lambda, 'tools', {
      'index.js': `const { spawnSync } = require('child_process');
const run = (cmd, args) => { const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 }); return { status: r.status, stderr: (r.stderr || '').slice(0, 300), error: r.error && r.error.code }; };
exports.handler = async () => ({
  unshare: run('/usr/bin/unshare', ['-U', '/usr/bin/true']),
  unshareNet: run('/usr/bin/unshare', ['-Ur', '/usr/bin/true']),
  strace: run('/usr/bin/strace', ['-o', '/dev/null', '/usr/bin/true']),
  mount: run('/usr/bin/mount', ['-t', 'tmpfs', 'none', '/tmp']),
  childStillRuns: run('/usr/bin/sh', ['-c', 'echo alive >&2']),
});`,
    }, { timeout: 30 });
    const { output, payload } = await invoke(suite.lambda, 'tools');
    console.log(`# tool probes observed: ${JSON.stringify(payload)}`);
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    const p = payload as Record<string, { status: number | null; stderr: string; error?: string }>;
    assert.equal(p.childStillRuns?.stderr.trim(), 'alive');
    for (const tool of ['unshare', 'unshareNet', 'mount']) assert.notEqual(p[tool]?.status, 0, `${tool} failed`);
    assert.match(p.unshare?.stderr ?? '', /Operation not permitted/);
    assert.match(p.unshareNet?.stderr ?? '', /Operation not permitted/);
    // Without strace installed there is nothing to run; with it, PTRACE_TRACEME is refused.
    if (p.strace?.error !== 'ENOENT') assert.match(p.strace?.stderr ?? '', /Operation not permitted/);
  }));

  test('CPU: a busy loop at 128 MB gets a small share of a core, at 1,769 MB a whole one', { skip: requireCpuLimits() }, () => contained('cpu hog', async () => {
    const spin = `exports.handler = async () => {
  const started = Date.now(); const cpu0 = process.cpuUsage(); let work = 0;
  while (Date.now() - started < 1500) { for (let i = 0; i < 10000; i++) work += i & 1; }
  const cpu = process.cpuUsage(cpu0);
  return { work, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - started };
};`;
    await deploy(suite.lambda, 'spin128', { 'index.js': spin }, { memorySize: 128, timeout: 30 });
    await deploy(suite.lambda, 'spin1769', { 'index.js': spin }, { memorySize: 1769, timeout: 30 });
    const small = (await invoke(suite.lambda, 'spin128')).payload as { work: number; cpuMs: number; wallMs: number };
    const full = (await invoke(suite.lambda, 'spin1769')).payload as { work: number; cpuMs: number; wallMs: number };
    console.log(`# cpu observed: 128 MB ${JSON.stringify(small)}, 1769 MB ${JSON.stringify(full)}`);
    // 128/1769 = 0.07 of a core; the bound leaves room for CFS's granularity, never for a whole core.
    assert.ok(small.cpuMs / small.wallMs < 0.3, `128 MB used ${(small.cpuMs / small.wallMs).toFixed(2)} of a core`);
    // Proportional: even on two loaded cores the 1,769 MB function does several times the work.
    assert.ok(full.work / small.work > 2, `1769 MB did ${(full.work / small.work).toFixed(1)}× the work of 128 MB`);
  }));

  describe('outbound network opt-in (tag nimbus:network=outbound)', { skip: networkUnavailable() }, () => {
    test('without the tag only loopback; with it tap0 and a default route, the host\'s loopback still refused', () => contained('network opt-in', async () => {
      await deploy(suite.lambda, 'netview', { 'index.js': NETWORK_PROBE });
      const without = (await invoke(suite.lambda, 'netview', { hostPort: suite.hostPort })).payload as NetworkView;
      console.log(`# network without the tag: ${JSON.stringify(without)}`);
      assert.deepEqual(without.interfaces.map((i) => i.name), ['lo']);
      assert.equal(without.defaultRoute, false);

      await suite.lambda.send(new TagResourceCommand({ Resource: FUNCTION_ARN('netview'), Tags: { 'nimbus:network': 'outbound' } }));
      const withTag = (await invoke(suite.lambda, 'netview', { hostPort: suite.hostPort })).payload as NetworkView;
      console.log(`# network with the tag: ${JSON.stringify(withTag)}`);
      assert.deepEqual(withTag.interfaces.find((i) => i.name === 'tap0')?.ipv4, ['10.0.2.100']);
      assert.equal(withTag.defaultRoute, true);
      // PostgreSQL listens on the host's 127.0.0.1:5432, and so does a live listener: both refused.
      for (const probe of ['hostLoopbackPostgres', 'hostLoopbackListener', 'ownLoopbackPostgres'] as const) {
        assert.notEqual(withTag[probe], 'connected', `${probe} reached from the sandbox`);
      }

      await suite.lambda.send(new UntagResourceCommand({ Resource: FUNCTION_ARN('netview'), TagKeys: ['nimbus:network'] }));
      const untagged = (await invoke(suite.lambda, 'netview', { hostPort: suite.hostPort })).payload as NetworkView;
      assert.deepEqual(untagged.interfaces.map((i) => i.name), ['lo'], 'removing the tag takes the network away again');
    }));
  });
});

/** Outbound network needs slirp4netns and a root platform (see network.ts); false when both are there. */
function networkUnavailable(): string | false {
  if (slirp4netnsAvailable() && process.getuid?.() === 0) return false;
  const reason = slirp4netnsAvailable() ? 'outbound network needs the platform to run as root' : 'slirp4netns is not installed (apt-get install slirp4netns)';
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}
