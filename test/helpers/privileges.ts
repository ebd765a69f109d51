// Tests that need a privilege the machine may lack skip with a printed reason, except
// under CI=true, where the machine is set up for them and a skip would hide a failure.
import { spawnSync } from 'node:child_process';
import { CgroupManager } from '../../src/runtime/sandbox/cgroup.js';

function bwrapWorks(): string | undefined {
  const probe = spawnSync('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '/bin/true'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) return `bubblewrap is not installed (${probe.error.message}); apt-get install bubblewrap`;
  if (probe.status !== 0) return `bubblewrap cannot create namespaces here: ${probe.stderr.trim()}`;
  return undefined;
}

/** `false` when bwrap works, else the reason to skip (outside CI) — under CI it throws. */
export function requireBwrap(): string | false {
  const reason = bwrapWorks();
  if (reason === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}

/**
 * `false` when sandboxes get a CPU share (bwrap, root and a cpu cgroup controller), else the
 * reason to skip (outside CI) — under CI, as root, it throws.
 */
export function requireCpuLimits(): string | false {
  const noBwrap = bwrapWorks();
  const manager = CgroupManager.detect();
  const available = manager?.cpuLimits === true;
  manager?.dispose();
  if (noBwrap === undefined && available) return false;
  const reason = noBwrap ?? 'no cpu cgroup controller the platform can use (needs root and cgroup v1 cpu or v2 +cpu)';
  if (process.env.CI === 'true' && process.getuid?.() === 0) throw new Error(`CI=true but ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}
