// The process driver: a plain node child under Node's permission model
// (--experimental-permission: reads only its code slot, the guest runtime and the AWS SDK;
// writes only its own TMPDIR; no child processes or workers; native addons allowed, since
// functions bundle them as on Lambda — sharp, bcrypt — and this driver is for trusted code
// anyway: an addon is native code outside the permission model), a minimal
// environment, rlimits, and — when root — an unprivileged uid and a memory cgroup.
// No namespaces: no network isolation and no protection from a hostile handler
// (sandbox-notes §1), hence isolation = 'trusted-code-only'.
import fs from 'node:fs/promises';
import path from 'node:path';
import { DriverCore } from './driver-core.js';
import type { DriverOptions } from './driver-core.js';
import { limitDataFallback, prlimitAvailable, wrapCommand } from './launch.js';
import type { LaunchCommand } from './launch.js';
import type { RuntimeFiles } from './paths.js';
import { makeDir } from './slot.js';
import type { Sandbox, SandboxDriver, SandboxStartOptions } from './types.js';

export interface ProcessCommandInput {
  readonly slotDir: string;
  readonly optDir: string;
  readonly tmpDir: string;
  readonly runtime: RuntimeFiles;
  /** `<slots>/node_modules`, a symlink to the SDK (see ProcessDriver.create). */
  readonly sdkLink: string | undefined;
  /** `<slots>/package.json` (see ProcessDriver.create). */
  readonly scopeFile: string;
  /** No permission model: it forbids node:inspector (DriverOptions.inspector). */
  readonly inspector?: boolean;
}

const dir = (p: string): string => (p.endsWith('/') ? p : `${p}/`);

export function processCommand(input: ProcessCommandInput): LaunchCommand {
  const reads = [
    dir(input.slotDir), dir(input.tmpDir), input.scopeFile, dir(input.runtime.guestDir), dir(input.runtime.protocolDir), input.runtime.packageJson,
    dir(input.runtime.languagesDir), dir(input.optDir),
  ];
  if (input.runtime.sdkNodeModules !== undefined && input.sdkLink !== undefined) reads.push(dir(input.runtime.sdkNodeModules), input.sdkLink);
  if (input.inspector === true) return { command: process.execPath, args: [path.join(input.runtime.guestDir, 'main.js')] };
  return {
    command: process.execPath,
    args: [
      '--experimental-permission',
      ...reads.map((p) => `--allow-fs-read=${p}`),
      `--allow-fs-write=${dir(input.tmpDir)}`,
      '--allow-addons',
      // A custom runtime's bootstrap is a child process of the guest (guest/runtime-api/);
      // like an addon it runs outside the permission model, as this driver's trusted code may.
      '--allow-child-process',
      '--disable-warning=ExperimentalWarning',
      // Node warns at start that addons can step outside the permission model: said above, not per sandbox.
      '--disable-warning=SecurityWarning',
      path.join(input.runtime.guestDir, 'main.js'),
    ],
  };
}

export class ProcessDriver implements SandboxDriver {
  readonly name = 'process' as const;
  readonly isolation = 'trusted-code-only' as const;
  readonly #core: DriverCore;
  readonly #sdkLink: string | undefined;
  readonly #inspector: boolean;

  private constructor(core: DriverCore, sdkLink: string | undefined, inspector: boolean) {
    this.#core = core;
    this.#sdkLink = sdkLink;
    this.#inspector = inspector;
  }

  static async create(options: DriverOptions): Promise<ProcessDriver> {
    const core = await DriverCore.create(options);
    // Module resolution walks up from the slot (slots/<id>/ → slots/node_modules), so one
    // symlink there makes the SDK importable from CJS and ESM alike; a function's own
    // node_modules still wins. The permission model checks the path as written, so the
    // link path is allowed explicitly.
    let sdkLink: string | undefined;
    if (core.runtime.sdkNodeModules !== undefined) {
      sdkLink = path.join(core.slotsDir, 'node_modules');
      const current = await fs.readlink(sdkLink).catch(() => undefined);
      if (current !== core.runtime.sdkNodeModules) {
        const temp = `${sdkLink}.${process.pid}.tmp`;
        await fs.rm(temp, { force: true });
        await fs.symlink(core.runtime.sdkNodeModules, temp);
        await fs.rename(temp, sdkLink);
      }
    }
    // Slots may live inside a project whose package.json says "type": "module" (the default
    // data dir is ./.nimbus): a neutral package.json above the slots keeps an extensionless
    // or .js handler CommonJS, as at /var/task, unless the function's own package.json says otherwise.
    await fs.writeFile(path.join(core.slotsDir, 'package.json'), '{"type":"commonjs"}\n', { mode: 0o644 });
    return new ProcessDriver(core, sdkLink, options.inspector === true);
  }

  get memoryCgroups(): boolean {
    return this.#core.cgroups !== undefined;
  }

  /** The host network is shared: the platform's own TCP URL, no forwarder. */
  get platformEndpoint(): string | undefined {
    return this.#core.platform?.url();
  }

  async start(options?: SandboxStartOptions): Promise<Sandbox> {
    const core = this.#core;
    const prep = await core.prepare(options);
    const tmpDir = path.join(core.tmpRoot, prep.id);
    await makeDir(tmpDir, 0o700);
    if (core.dropTo) await fs.chown(tmpDir, core.dropTo.uid, core.dropTo.gid);
    const inner = processCommand({ slotDir: prep.slotDir, optDir: prep.optDir, tmpDir, runtime: core.runtime, sdkLink: this.#sdkLink, scopeFile: path.join(core.slotsDir, 'package.json'), inspector: this.#inspector });
    return core.launch({
      id: prep.id,
      driver: 'process',
      launch: wrapCommand(inner, { procsFiles: prep.cgroup?.procsFiles ?? [], dropTo: core.dropTo, noNewPrivs: true }),
      env: { PATH: '/usr/bin:/bin', HOME: tmpDir, TMPDIR: tmpDir },
      taskRoot: prep.slotDir,
      tmpDir,
      tmpMb: prep.tmpMb,
      languagesDir: core.runtime.languagesDir,
      optDir: prep.optDir,
      optHostDir: prep.optDir,
      slotDir: prep.slotDir,
      ownedDirs: [prep.slotDir, prep.optDir, tmpDir],
      cgroup: prep.cgroup,
      othersMustRead: core.dropTo !== undefined,
      guestIsOutermost: true,
      limitWithoutCgroup: prlimitAvailable() ? limitDataFallback : undefined,
      readyTimeoutMs: core.readyTimeoutMs,
      // The host network is already there (one reason this driver is for trusted code only).
      attachNetwork: () => Promise.resolve({ release: () => Promise.resolve() }),
    });
  }

  dispose(): Promise<void> {
    return this.#core.dispose();
  }
}
