// What both drivers share: working dirs, the cgroup manager, the uid to drop to, and the
// set of live sandboxes that dispose() kills.
import fs from 'node:fs/promises';
import path from 'node:path';
import { CgroupManager } from './cgroup.js';
import type { SandboxCgroup } from './cgroup.js';
import { ChildSandbox } from './child-sandbox.js';
import type { ChildSandboxParams } from './child-sandbox.js';
import { assertOthersCanRead, isRoot, setprivAvailable } from './launch.js';
import { assertRuntimeFiles, DEFAULT_SANDBOX_UID, defaultRuntimeFiles, newSandboxId } from './paths.js';
import type { RuntimeFiles } from './paths.js';
import { makeDir } from './slot.js';
import { SandboxError } from './types.js';
import type { Sandbox, SandboxStartOptions } from './types.js';

export interface DriverOptions {
  /** Holds slots/<id> and tmp/<id>; put it under the data dir, on the code cache's filesystem (hardlinks). */
  readonly workDir: string;
  readonly runtime?: RuntimeFiles;
  /** uid (= gid) the guest runs as when the platform is root; default 993. */
  readonly sandboxUid?: number;
  /** 'auto' (default): a memory cgroup per sandbox when root and writable; false: never. */
  readonly cgroups?: 'auto' | false;
  /** How long start() waits for the guest's `ready`; default 15 s. */
  readonly readyTimeoutMs?: number;
  /** How functions reach the platform's own API (AWS_ENDPOINT_URL); absent: they cannot. */
  readonly platform?: PlatformAccess;
  /**
   * Process driver only: start guests without Node's permission model, which forbids the
   * inspector, so a function's instance can open one (`nimbus dev --inspect`). Trusted code.
   */
  readonly inspector?: boolean;
}

/**
 * The platform's API as the host serves it. A namespaced driver binds the socket's
 * directory into each sandbox (it must hold nothing else); a driver on the host network
 * uses the TCP URL, known only once the server listens, hence a getter.
 */
export interface PlatformAccess {
  /** Unix socket path; it may not exist yet when sandboxes start (its directory must). */
  readonly socket: string;
  /** The API's TCP URL as this machine reaches it; undefined before the server listens. */
  readonly url: () => string | undefined;
}

export const DEFAULT_TMP_MB = 512;

export interface PreparedStart {
  readonly id: string;
  readonly slotDir: string;
  /** Empty until assign() stacks the function's layers into it; the guest sees it as /opt (bwrap). */
  readonly optDir: string;
  readonly tmpMb: number;
  readonly cgroup: SandboxCgroup | undefined;
}

export type DriverState = 'running' | 'disposed';

export class DriverCore {
  readonly runtime: RuntimeFiles;
  readonly slotsDir: string;
  readonly tmpRoot: string;
  /** opt/<id>: each sandbox's layers. Not beside the slot (slots/<id>.opt): Node 20's permission model mismatches paths that share a prefix. */
  readonly optRoot: string;
  readonly readyTimeoutMs: number;
  /** uid/gid to drop to, when the platform is root and setpriv exists. */
  readonly dropTo: { readonly uid: number; readonly gid: number } | undefined;
  readonly cgroups: CgroupManager | undefined;
  readonly platform: PlatformAccess | undefined;
  readonly #live = new Set<Sandbox>();
  #state: DriverState = 'running';

  private constructor(options: DriverOptions, runtime: RuntimeFiles, workDir: string) {
    this.runtime = runtime;
    this.slotsDir = path.join(workDir, 'slots');
    this.tmpRoot = path.join(workDir, 'tmp');
    this.optRoot = path.join(workDir, 'opt');
    this.readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    const uid = options.sandboxUid ?? DEFAULT_SANDBOX_UID;
    this.dropTo = isRoot() && setprivAvailable() ? { uid, gid: uid } : undefined;
    this.cgroups = options.cgroups === false ? undefined : CgroupManager.detect();
    this.platform = options.platform;
  }

  static async create(options: DriverOptions): Promise<DriverCore> {
    const runtime = options.runtime ?? defaultRuntimeFiles();
    assertRuntimeFiles(runtime);
    await fs.mkdir(options.workDir, { recursive: true });
    // Real paths: the process driver's permission model compares paths as given.
    const core = new DriverCore(options, runtime, await fs.realpath(options.workDir));
    try {
      await makeDir(core.slotsDir);
      await makeDir(core.tmpRoot);
      await makeDir(core.optRoot);
      if (core.dropTo) {
        for (const [p, what] of [
          [runtime.guestDir, 'guest runtime'], [runtime.protocolDir, 'guest protocol'], [runtime.packageJson, 'package.json'],
          [core.slotsDir, 'sandbox slots dir'], [core.tmpRoot, 'sandbox tmp dir'], [core.optRoot, 'sandbox layers dir'],
          ...(core.platform ? [[path.dirname(core.platform.socket), 'platform socket dir']] : []),
          ...(runtime.sdkNodeModules ? [[runtime.sdkNodeModules, 'AWS SDK node_modules']] : []),
        ] as const) assertOthersCanRead(p, what);
      }
    } catch (e) {
      core.cgroups?.dispose();
      throw e;
    }
    return core;
  }

  get state(): DriverState {
    return this.#state;
  }

  /** Allocates the id, the (empty) slot dir and the cgroup of a sandbox about to start. */
  async prepare(options: SandboxStartOptions | undefined): Promise<PreparedStart> {
    if (this.#state !== 'running') throw new SandboxError('sandbox driver is disposed');
    const tmpMb = options?.tmpMb ?? DEFAULT_TMP_MB;
    if (!Number.isInteger(tmpMb) || tmpMb < 1) throw new SandboxError(`invalid tmpMb ${tmpMb}`);
    const id = newSandboxId();
    const slotDir = path.join(this.slotsDir, id);
    const optDir = path.join(this.optRoot, id);
    await makeDir(slotDir);
    await makeDir(optDir);
    return { id, slotDir, optDir, tmpMb, cgroup: this.cgroups?.create(id) };
  }

  /** Starts and tracks a sandbox; on failure everything prepared is released. */
  async launch(params: ChildSandboxParams): Promise<Sandbox> {
    let sandbox: ChildSandbox;
    try {
      sandbox = await ChildSandbox.start(params);
    } catch (e) {
      // ChildSandbox removes dirs and cgroup itself once the process is gone.
      throw e instanceof SandboxError ? e : new SandboxError(String(e), { cause: e });
    }
    if (this.#state !== 'running') {
      await sandbox.dispose();
      throw new SandboxError('sandbox driver is disposed');
    }
    this.#live.add(sandbox);
    void sandbox.exited.then(() => this.#live.delete(sandbox));
    return sandbox;
  }

  async dispose(): Promise<void> {
    if (this.#state === 'disposed') return;
    this.#state = 'disposed';
    await Promise.all([...this.#live].map((s) => s.dispose()));
    this.cgroups?.dispose();
  }
}
