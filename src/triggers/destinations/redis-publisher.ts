// Appends destination records to a Redis stream: XADD <stream> * record <json>, one field
// named `record` holding the destination record as JSON. The entry id is Redis's.
import { Redis } from 'ioredis';
import { withTimeout } from './publish-timeout.js';

export class RedisPublisher {
  readonly #redis: Redis;
  readonly #timeoutMs: number;

  constructor(url: string, timeoutMs: number, onError: (err: unknown) => void) {
    this.#timeoutMs = timeoutMs;
    // lazyConnect: opened by the first command; ioredis reconnects on its own after that.
    this.#redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: timeoutMs, commandTimeout: timeoutMs });
    // ioredis reports every failed reconnect: log the first until it is connected again.
    let reported = false;
    this.#redis.on('ready', () => (reported = false));
    this.#redis.on('error', (err) => {
      if (!reported) onError(err);
      reported = true;
    });
  }

  async publish(stream: string, body: Buffer): Promise<void> {
    await withTimeout(this.#redis.xadd(stream, '*', 'record', body), this.#timeoutMs, `XADD to Redis stream ${stream}`);
  }

  async close(): Promise<void> {
    if (this.#redis.status === 'wait' || this.#redis.status === 'end') {
      this.#redis.disconnect();
      return;
    }
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
