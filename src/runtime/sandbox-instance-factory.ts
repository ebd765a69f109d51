// Makes instances: claims a pre-started runtime from the reserve pool, or spawns one when
// the pool is empty. Spawns beyond the pool are capped at a few at a time, so a burst of
// cold calls cannot fork a hundred runtimes onto two cores at once; the scheduler serves
// waiting calls from whichever instance is ready first. Each instance gets the driver's
// platform endpoint as AWS_ENDPOINT_URL, read at creation (the server listens after the
// pool has started filling), and the credentials of its account (src/auth/function-credentials.ts).
import type { FunctionCredentials } from '../auth/function-credentials.js';
import type { ExecutionInstance, FunctionSpec, InitType, InstanceFactory } from './execution-types.js';
import { SandboxInstance } from './instance.js';
import type { ReservePool } from './reserve-pool.js';
import type { Sandbox, SandboxDriver } from './sandbox/index.js';

export interface SandboxInstanceFactoryOptions {
  readonly driver: SandboxDriver;
  readonly pool: ReservePool | undefined;
  readonly maxParallelSpawns: number;
  /** The credentials a function of an account calls the platform with. */
  readonly credentials?: (account: string) => Promise<FunctionCredentials>;
}

export class SandboxInstanceFactory implements InstanceFactory {
  readonly #options: SandboxInstanceFactoryOptions;
  #spawning = 0;
  readonly #spawnQueue: (() => void)[] = [];

  constructor(options: SandboxInstanceFactoryOptions) {
    this.#options = options;
  }

  async create(spec: FunctionSpec, initType: InitType = 'on-demand'): Promise<ExecutionInstance> {
    const credentials = await this.#options.credentials?.(spec.account);
    const sandbox = this.#options.pool?.claim(spec.ephemeralStorageMb) ?? (await this.#spawn(spec.ephemeralStorageMb));
    try {
      return await SandboxInstance.create({ sandbox, spec, initType, awsEndpoint: this.#options.driver.platformEndpoint, credentials });
    } catch (err) {
      await sandbox.dispose();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await this.#options.pool?.dispose();
    await this.#options.driver.dispose();
  }

  async #spawn(tmpMb: number): Promise<Sandbox> {
    if (this.#spawning >= this.#options.maxParallelSpawns) await new Promise<void>((resolve) => this.#spawnQueue.push(resolve));
    this.#spawning++;
    try {
      return await this.#options.driver.start({ tmpMb });
    } finally {
      this.#spawning--;
      this.#spawnQueue.shift()?.();
    }
  }
}
