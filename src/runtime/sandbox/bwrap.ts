// The bubblewrap driver: the guest runs in fresh user/pid/net/mount/ipc/uts/cgroup
// namespaces with read-only /usr, its code slot read-only at /var/task, the guest runtime
// at /var/runtime, the platform's node_modules (AWS SDK v3) at /node_modules, a private
// size-capped tmpfs at /tmp, no network, no capabilities, and an unprivileged uid
// (flags from sandbox-notes §2), and a seccomp deny-list (seccomp.ts) read from fd 4. Outbound
// network is opt-in per function (network.ts, on assign). When the platform is root, bwrap itself is started as
// that uid via setpriv, so the sandbox is not host uid 0 even inside its user namespace.
// Platform access: the directory of the platform's API socket is bound read-only at
// /run/nimbus (connect() needs write permission on the socket inode, which a read-only
// mount does not take away, while nothing can be created or replaced there), and the guest
// forwards 127.0.0.1:PLATFORM_PORT in the sandbox's own network namespace to it.
import fs from 'node:fs';
import path from 'node:path';
import { DriverCore } from './driver-core.js';
import type { DriverOptions } from './driver-core.js';
import { limitDataFallback, prlimitAvailable, wrapCommand } from './launch.js';
import type { LaunchCommand } from './launch.js';
import type { RuntimeFiles } from './paths.js';
import { attachOutboundNetwork } from './network.js';
import { seccompProgram } from './seccomp.js';
import type { Sandbox, SandboxDriver, SandboxStartOptions } from './types.js';

export const BWRAP = '/usr/bin/bwrap';
const MIB = 1024 * 1024;
/** uid/gid the guest sees inside its user namespace when the platform is not root. */
const INNER_ID = 993;
/** Where the platform socket's directory appears inside the sandbox. */
export const SANDBOX_PLATFORM_DIR = '/run/nimbus';
/** Where runtimes/ (the built-in custom runtimes, e.g. Python's bootstrap) appears inside the sandbox. */
export const SANDBOX_LANGUAGES_DIR = '/var/runtime/languages';
/**
 * The port the guest forwards to the platform socket, on the sandbox's own loopback. Not
 * 9001: AWS_LAMBDA_RUNTIME_API names 127.0.0.1:9001 (Lambda's Runtime API port); 9000 is
 * the platform's default port on the host, so the endpoint reads the same inside and out.
 */
export const PLATFORM_PORT = 9000;
/** stdio[3] is the guest's socketpair; the seccomp program comes in on the next fd. */
const SECCOMP_FD = 4;

/** The filesystem every sandbox sees: /usr and the usual merged-/usr symlinks. */
export function baseMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const [link, target] of [['/bin', 'usr/bin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64'], ['/sbin', 'usr/sbin']] as const) {
    args.push('--symlink', target, link);
  }
  return args;
}

export interface BwrapCommandInput {
  readonly slotDir: string;
  readonly optDir: string;
  readonly tmpMb: number;
  readonly runtime: RuntimeFiles;
  readonly innerId: number;
  /** Host path of the platform's API socket (its directory is bound); undefined: no platform access. */
  readonly platformSocket?: string | undefined;
  /** The fd bwrap reads its seccomp program from (see seccomp.ts); undefined: no filter. */
  readonly seccompFd?: number | undefined;
}

export function bwrapCommand(input: BwrapCommandInput): LaunchCommand {
  const nodeBin = process.execPath;
  const args = [
    '--unshare-all', '--die-with-parent', '--new-session', '--clearenv',
    ...baseMounts(),
  ];
  // A node outside /usr (nvm, /opt/node) needs its install prefix too.
  if (!nodeBin.startsWith('/usr/')) {
    const prefix = path.dirname(path.dirname(nodeBin));
    args.push('--ro-bind', prefix, prefix);
  }
  if (fs.existsSync('/etc/ssl')) args.push('--ro-bind', '/etc/ssl', '/etc/ssl');
  args.push(
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(input.tmpMb * MIB), '--tmpfs', '/tmp',
    '--ro-bind', input.slotDir, '/var/task',
    '--ro-bind', input.optDir, '/opt',
    '--ro-bind', input.runtime.guestDir, '/var/runtime/guest',
    '--ro-bind', input.runtime.protocolDir, '/var/runtime/protocol',
    '--ro-bind', input.runtime.packageJson, '/var/runtime/package.json',
    '--ro-bind', input.runtime.languagesDir, SANDBOX_LANGUAGES_DIR,
  );
  // Binding node_modules at / puts it on both the CJS and the ESM walk-up from /var/task,
  // after the function's own /var/task/node_modules.
  if (input.runtime.sdkNodeModules !== undefined) args.push('--ro-bind', input.runtime.sdkNodeModules, '/node_modules');
  // The guest reads (and deletes) these before `ready`; INIT replaces the whole environment.
  if (input.platformSocket !== undefined) {
    args.push(
      '--ro-bind', path.dirname(input.platformSocket), SANDBOX_PLATFORM_DIR,
      '--setenv', 'NIMBUS_PLATFORM_SOCKET', path.posix.join(SANDBOX_PLATFORM_DIR, path.basename(input.platformSocket)),
      '--setenv', 'NIMBUS_PLATFORM_PORT', String(PLATFORM_PORT),
    );
  }
  args.push(
    '--chdir', '/var/task', '--hostname', 'sandbox',
    '--uid', String(input.innerId), '--gid', String(input.innerId),
    '--cap-drop', 'ALL',
    ...(input.seccompFd !== undefined ? ['--seccomp', String(input.seccompFd)] : []),
    '--setenv', 'PATH', '/usr/bin:/bin', '--setenv', 'HOME', '/tmp',
    '--', nodeBin, '/var/runtime/guest/main.js',
  );
  return { command: BWRAP, args };
}

export class BwrapDriver implements SandboxDriver {
  readonly name = 'bwrap' as const;
  readonly isolation = 'namespaces' as const;
  readonly #core: DriverCore;
  /** Compiled once; undefined on an architecture seccomp.ts has no table for. */
  readonly #seccomp = seccompProgram();

  private constructor(core: DriverCore) {
    this.#core = core;
  }

  /** True when sandboxes get the seccomp deny-list (x86_64, aarch64). */
  get seccomp(): boolean {
    return this.#seccomp !== undefined;
  }

  static async create(options: DriverOptions): Promise<BwrapDriver> {
    return new BwrapDriver(await DriverCore.create(options));
  }

  get memoryCgroups(): boolean {
    return this.#core.cgroups !== undefined;
  }

  /** The guest's forwarder on the sandbox's own loopback (there is no other network). */
  get platformEndpoint(): string | undefined {
    return this.#core.platform ? `http://127.0.0.1:${PLATFORM_PORT}` : undefined;
  }

  async start(options?: SandboxStartOptions): Promise<Sandbox> {
    const core = this.#core;
    const prep = await core.prepare(options);
    const inner = bwrapCommand({
      slotDir: prep.slotDir, optDir: prep.optDir, tmpMb: prep.tmpMb, runtime: core.runtime, innerId: core.dropTo?.uid ?? INNER_ID,
      platformSocket: core.platform?.socket, seccompFd: this.#seccomp !== undefined ? SECCOMP_FD : undefined,
    });
    return core.launch({
      id: prep.id,
      driver: 'bwrap',
      launch: wrapCommand(inner, { procsFiles: prep.cgroup?.procsFiles ?? [], dropTo: core.dropTo, noNewPrivs: false }),
      env: { PATH: '/usr/bin:/bin' },
      taskRoot: '/var/task',
      tmpDir: '/tmp',
      tmpMb: prep.tmpMb,
      languagesDir: SANDBOX_LANGUAGES_DIR,
      optDir: '/opt',
      optHostDir: prep.optDir,
      slotDir: prep.slotDir,
      ownedDirs: [prep.slotDir, prep.optDir],
      cgroup: prep.cgroup,
      othersMustRead: core.dropTo !== undefined,
      guestIsOutermost: false,
      limitWithoutCgroup: prlimitAvailable() ? limitDataFallback : undefined,
      readyTimeoutMs: core.readyTimeoutMs,
      fd4Input: this.#seccomp,
      attachNetwork: attachOutboundNetwork,
    });
  }

  dispose(): Promise<void> {
    return this.#core.dispose();
  }
}
