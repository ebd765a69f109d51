// Every broker publish has a deadline: a broker that stops answering must not hold an async
// event's delivery (and its lease) forever. A publish that times out may still land.
export const PUBLISH_TIMEOUT_MS = 10_000;

/** `work`, or a rejection naming `what` once `ms` have passed. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A connection opened on first use and shared after; a failed open is forgotten, so the next use tries again. */
export class LazyConnection<T> {
  readonly #open: () => Promise<T>;
  #current: Promise<T> | undefined;

  constructor(open: () => Promise<T>) {
    this.#open = open;
  }

  get(): Promise<T> {
    this.#current ??= this.#open().catch((err: unknown) => {
      this.#current = undefined;
      throw err;
    });
    return this.#current;
  }

  /** Forgets the connection (it broke); the next get() opens a new one. */
  reset(): void {
    this.#current = undefined;
  }

  /** The open connection if there is one, and forgets it. */
  async take(): Promise<T | undefined> {
    const current = this.#current;
    this.#current = undefined;
    return current?.catch(() => undefined);
  }
}
