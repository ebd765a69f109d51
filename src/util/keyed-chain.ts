// Runs async tasks one after another per key (a mapping's changes apply in order), tasks of
// different keys independently. A failed task is reported and does not stop the chain.
export class KeyedChain {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Queues `task` after the key's earlier ones; resolves once it ran (never rejects). */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const next = (this.#tails.get(key) ?? Promise.resolve()).then(task).catch(this.#onError);
    this.#tails.set(key, next);
    void next.finally(() => {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    });
    return next;
  }

  /** Resolves once every task queued so far has run. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#tails.values()]);
  }
}
