// Picks the sandbox driver: bwrap when it can really start a namespaced process here
// (Docker/CI containers and Ubuntu's AppArmor often block user namespaces), else the
// process driver ('auto' only; asking for bwrap where it cannot work is an error).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { baseMounts, BWRAP, BwrapDriver } from './bwrap.js';
import type { DriverOptions } from './driver-core.js';
import { isRoot, setprivAvailable } from './launch.js';
import { DEFAULT_SANDBOX_UID } from './paths.js';
import { ProcessDriver } from './process.js';
import { SandboxError } from './types.js';
import type { SandboxDriver } from './types.js';

export type SandboxPreference = 'auto' | 'bwrap' | 'process';

export type BwrapProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Runs `bwrap --unshare-all … /usr/bin/true` once, as the sandbox will run it. */
export function probeBwrap(sandboxUid = DEFAULT_SANDBOX_UID): Promise<BwrapProbe> {
  if (process.platform !== 'linux') return Promise.resolve({ ok: false, reason: `bwrap needs Linux (this is ${process.platform})` });
  if (!fs.existsSync(BWRAP)) return Promise.resolve({ ok: false, reason: `${BWRAP} not found (apt-get install bubblewrap)` });
  const bwrapArgs = ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv', ...baseMounts(), '--proc', '/proc', '--dev', '/dev', '--cap-drop', 'ALL', '--', '/usr/bin/true'];
  const drop = isRoot() && setprivAvailable();
  const [command, args] = drop
    ? ['/usr/bin/setpriv', [`--reuid=${sandboxUid}`, `--regid=${sandboxUid}`, '--clear-groups', '--', BWRAP, ...bwrapArgs]]
    : [BWRAP, bwrapArgs];
  return new Promise((resolve) => {
    execFile(command, args, { env: { PATH: '/usr/bin:/bin' }, timeout: 10_000 }, (err, _stdout, stderr) => {
      if (!err) resolve({ ok: true });
      else resolve({ ok: false, reason: `bwrap cannot start a sandbox here: ${stderr.trim() || err.message}` });
    });
  });
}

export async function detectSandboxDriver(preference: SandboxPreference, options: DriverOptions): Promise<SandboxDriver> {
  if (preference === 'process') return ProcessDriver.create(options);
  const probe = await probeBwrap(options.sandboxUid);
  if (probe.ok) return BwrapDriver.create(options);
  if (preference === 'bwrap') throw new SandboxError(`sandbox = bwrap, but ${probe.reason}`);
  return ProcessDriver.create(options);
}
