// Publishes destination records to a RabbitMQ exchange with a routing key (the default
// exchange, named '', routes by queue name). Messages are persistent and published on a
// confirm channel: a publish succeeds once the broker confirmed it. `mandatory` is set, so
// a record no queue is bound to receive is returned by the broker and reported, not lost
// silently. A channel the broker closed (an exchange that does not exist) is reopened on
// the next publish; the connection stays.
import { connect } from 'amqplib';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { LazyConnection, withTimeout } from './publish-timeout.js';

export class RabbitmqPublisher {
  readonly #connection: LazyConnection<ChannelModel>;
  readonly #channel: LazyConnection<ConfirmChannel>;
  readonly #timeoutMs: number;

  /** `onError`: the connection failed, or the broker returned a record it could not route to any queue. */
  constructor(url: string, timeoutMs: number, onError: (err: unknown) => void) {
    this.#timeoutMs = timeoutMs;
    this.#connection = new LazyConnection(async () => {
      const connection = await connect(url, { timeout: timeoutMs });
      connection.on('error', onError);
      connection.on('close', () => {
        this.#connection.reset();
        this.#channel.reset();
      });
      return connection;
    });
    this.#channel = new LazyConnection(async () => {
      const channel = await (await this.#connection.get()).createConfirmChannel();
      channel.setMaxListeners(0); // each publish in flight listens for the channel closing
      channel.on('error', () => undefined); // the publish that caused it fails with the reason
      channel.on('close', () => this.#channel.reset());
      channel.on('return', (message: { fields: { exchange: string; routingKey: string; replyText?: string } }) => {
        const { exchange, routingKey } = message.fields;
        onError(new Error(`RabbitMQ returned a destination record: no queue is bound to exchange '${exchange}' with routing key '${routingKey}'`));
      });
      return channel;
    });
  }

  async publish(exchange: string, routingKey: string, body: Buffer): Promise<void> {
    const what = `publishing to RabbitMQ exchange '${exchange}' with routing key '${routingKey}'`;
    const channel = await withTimeout(this.#channel.get(), this.#timeoutMs, 'connecting to RabbitMQ');
    const confirmed = new Promise<void>((resolve, reject) => {
      const closed = (): void => reject(new Error(`${what}: the broker closed the channel (does the exchange exist?)`));
      channel.once('close', closed);
      channel.publish(exchange, routingKey, body, { persistent: true, mandatory: true, contentType: 'application/json' }, (err) => {
        channel.off('close', closed);
        if (err) reject(err instanceof Error ? err : new Error(`${what}: nacked by the broker`));
        else resolve();
      });
    });
    await withTimeout(confirmed, this.#timeoutMs, what);
  }

  async close(): Promise<void> {
    const channel = await this.#channel.take();
    await channel?.close().catch(() => undefined);
    const connection = await this.#connection.take();
    await connection?.close().catch(() => undefined);
  }
}
