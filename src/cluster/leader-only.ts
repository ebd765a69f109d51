// Runs a service only while this node leads its job (the schedule ticker: one per cluster).
// Gaining leadership makes and starts a fresh instance; losing it disposes of it. Changes
// apply one after another, so a flapping lease never leaves two running.
export interface LeaderService {
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export class LeaderOnly<T extends LeaderService> {
  readonly #make: () => T;
  readonly #onError: (err: unknown) => void;
  #current: T | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(make: () => T, onError: (err: unknown) => void) {
    this.#make = make;
    this.#onError = onError;
  }

  /** The running instance while leading. */
  get current(): T | undefined {
    return this.#current;
  }

  set(leading: boolean): void {
    this.#chain = this.#chain
      .then(async () => {
        if (leading && this.#current === undefined) {
          const service = this.#make();
          this.#current = service;
          await service.start();
        } else if (!leading && this.#current !== undefined) {
          const service = this.#current;
          this.#current = undefined;
          await service.dispose();
        }
      })
      .catch(this.#onError);
  }

  async dispose(): Promise<void> {
    this.set(false);
    await this.#chain;
  }
}
