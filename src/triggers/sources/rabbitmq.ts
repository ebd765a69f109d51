// RabbitMQ as an event source (kind `rabbitmq`): one consumer per reader on an existing
// queue (or one it declares durable), with manual acknowledgement. The broker is the
// checkpoint: a delivered message stays unacknowledged on the channel until the function is
// done with it; a released one is nacked with requeue (it comes again, `redelivered`), and
// whatever is unacknowledged when the channel closes — a reader closed or crashed — goes
// back to the queue for the next reader. Several readers of one queue compete: RabbitMQ
// gives each message to one consumer. The event follows Lambda's Amazon MQ for RabbitMQ
// shape (`rmqMessagesByQueue`).
import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage, MessageProperties } from 'amqplib';
import { z } from 'zod';
import { RecordBuffer } from './record-buffer.js';
import { parseSourceConfig } from './source-config.js';
import type { SourceContext, SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';

const configSchema = z.object({
  url: z.string().regex(/^amqps?:\/\/./, 'must be an amqp:// or amqps:// URL'),
  queue: z.string().min(1).max(255),
  /** The vhost to use; the URL's path (or `/`) unless given. */
  virtualHost: z.string().min(1).optional(),
  /** Unacknowledged messages the broker may hand this reader; the batch size asked for unless given. */
  prefetch: z.number().int().min(1).max(65535).optional(),
  /** true: declare the queue (durable) if it does not exist; false: it must exist. */
  declare: z.boolean().default(false),
});

export type RabbitMqConfig = z.output<typeof configSchema>;

/** One message of `rmqMessagesByQueue`, as Lambda shapes it. */
export interface RabbitMqMessage {
  readonly basicProperties: Record<string, unknown>;
  readonly redelivered: boolean;
  /** The body, base64. */
  readonly data: string;
}

export interface RabbitMqEvent {
  readonly eventSource: 'nimbus:rabbitmq';
  readonly eventSourceArn: string;
  readonly rmqMessagesByQueue: Record<string, RabbitMqMessage[]>;
}

/** The vhost a config connects to: `virtualHost`, else the URL's path, else `/`. */
export function rabbitVirtualHost(config: RabbitMqConfig): string {
  if (config.virtualHost !== undefined) return config.virtualHost;
  const path = new URL(config.url).pathname.replace(/^\//, '');
  return path === '' ? '/' : decodeURIComponent(path);
}

function connectionUrl(config: RabbitMqConfig): string {
  const url = new URL(config.url);
  url.pathname = `/${encodeURIComponent(rabbitVirtualHost(config))}`;
  return url.toString();
}

// Lambda prints AMQP timestamps the way its Java poller formats dates: `Jan 1, 1970, 12:33:41 AM` (UTC).
const timestampFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', hour12: true, timeZone: 'UTC',
});

/** Header values as Lambda passes them: strings as their UTF-8 `{ bytes }`, the rest as they are. */
function lambdaHeaderValue(value: unknown): unknown {
  if (typeof value === 'string') return { bytes: [...Buffer.from(value, 'utf8')] };
  if (Buffer.isBuffer(value)) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(lambdaHeaderValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, lambdaHeaderValue(v)]));
  }
  return value;
}

function basicProperties(p: MessageProperties, bodySize: number): Record<string, unknown> {
  const seconds = typeof p.timestamp === 'number' ? p.timestamp : undefined;
  return {
    contentType: p.contentType ?? null,
    contentEncoding: p.contentEncoding ?? null,
    headers: p.headers ? lambdaHeaderValue(p.headers) : null,
    deliveryMode: p.deliveryMode ?? null,
    priority: p.priority ?? null,
    correlationId: p.correlationId ?? null,
    replyTo: p.replyTo ?? null,
    expiration: p.expiration ?? null,
    messageId: p.messageId ?? null,
    timestamp: seconds === undefined ? null : timestampFormat.format(new Date(seconds * 1000)).replace(/\u202f/g, ' '),
    type: p.type ?? null,
    userId: p.userId ?? null,
    appId: p.appId ?? null,
    clusterId: p.clusterId ?? null,
    bodySize,
  };
}

function toRecord(msg: ConsumeMessage): SourceRecord {
  const payload: RabbitMqMessage = {
    basicProperties: basicProperties(msg.properties, msg.content.length),
    redelivered: msg.fields.redelivered,
    data: msg.content.toString('base64'),
  };
  const seconds = msg.properties.timestamp as unknown;
  return { id: String(msg.fields.deliveryTag), payload, timestamp: typeof seconds === 'number' ? seconds * 1000 : undefined };
}

class RabbitMqReader implements SourceReader {
  private readonly buffer = new RecordBuffer<ConsumeMessage>();
  /** Handed out by read, not yet acknowledged or released, by record id (delivery tag). */
  private readonly taken = new Map<string, ConsumeMessage>();
  private consuming: Promise<string> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: RabbitMqConfig,
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    private readonly context: SourceContext,
  ) {
    const lost = (what: string) => (err?: Error): void => {
      if (this.closing) return;
      const failure = new Error(`RabbitMQ ${what}${err ? `: ${err.message}` : ''}`);
      this.buffer.fail(failure);
      context.onError(failure);
    };
    connection.on('error', lost('connection failed'));
    connection.on('close', lost('connection closed'));
    channel.on('error', lost('channel failed'));
    channel.on('close', lost('channel closed'));
  }

  async read(max: number, waitMs: number, signal: AbortSignal): Promise<readonly SourceRecord[]> {
    if (this.closing) return [];
    // The consumer starts with the first read, whose batch size is the default prefetch.
    await (this.consuming ??= this.consume(Math.max(1, max)));
    const messages = await this.buffer.take(max, waitMs, signal);
    return messages.map((msg) => {
      const record = toRecord(msg);
      this.taken.set(record.id, msg);
      return record;
    });
  }

  ack(records: readonly SourceRecord[]): Promise<void> {
    // One by one: a `multiple` ack would also take the earlier deliveries of another batch still in flight.
    for (const msg of this.claim(records)) this.channel.ack(msg);
    return Promise.resolve();
  }

  release(records: readonly SourceRecord[]): Promise<void> {
    for (const msg of this.claim(records)) this.channel.nack(msg, false, true);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  async lag(): Promise<number | undefined> {
    // A channel of its own: a failed check (the queue was deleted) closes the channel it ran on.
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(this.config.queue)).messageCount;
    } catch {
      return undefined;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private claim(records: readonly SourceRecord[]): ConsumeMessage[] {
    if (this.closing) return [];
    const messages: ConsumeMessage[] = [];
    for (const record of records) {
      const msg = this.taken.get(record.id);
      if (msg === undefined) continue;
      this.taken.delete(record.id);
      messages.push(msg);
    }
    return messages;
  }

  private async consume(batchSize: number): Promise<string> {
    await this.channel.prefetch(this.config.prefetch ?? batchSize);
    const { consumerTag } = await this.channel.consume(this.config.queue, (msg) => {
      if (msg !== null) return this.buffer.push(msg);
      // The broker cancelled the consumer: the queue was deleted.
      const failure = new Error(`RabbitMQ cancelled the consumer of queue '${this.config.queue}' (deleted?)`);
      this.buffer.fail(failure);
      this.context.onError(failure);
    }, { noAck: false });
    return consumerTag;
  }

  private async shutdown(): Promise<void> {
    this.buffer.end();
    this.taken.clear();
    // Closing the channel hands its unacknowledged messages back to the queue.
    const consumerTag = await this.consuming?.catch(() => undefined);
    if (consumerTag !== undefined) await this.channel.cancel(consumerTag).catch(() => undefined);
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

async function open(config: RabbitMqConfig, context: SourceContext): Promise<SourceReader> {
  const connection = await connect(connectionUrl(config));
  try {
    const channel = await connection.createChannel();
    // A missing queue closes the channel with an 'error' event besides rejecting the check.
    channel.on('error', () => undefined);
    if (config.declare) await channel.assertQueue(config.queue, { durable: true });
    else {
      await channel.checkQueue(config.queue).catch((err: Error) => {
        throw new Error(`RabbitMQ queue '${config.queue}' in vhost '${rabbitVirtualHost(config)}' is not available (${err.message}); create it or set declare: true`);
      });
    }
    return new RabbitMqReader(config, connection, channel, context);
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}

function event(records: readonly SourceRecord[], config: RabbitMqConfig): RabbitMqEvent {
  const vhost = rabbitVirtualHost(config);
  return {
    eventSource: 'nimbus:rabbitmq',
    eventSourceArn: `arn:nimbus:rabbitmq:::queue/${vhost}/${config.queue}`,
    rmqMessagesByQueue: { [`${config.queue}::${vhost}`]: records.map((r) => r.payload as RabbitMqMessage) },
  };
}

export const rabbitMqSource: SourcePlugin<RabbitMqConfig> = {
  kind: 'rabbitmq',
  parseConfig: (raw) => parseSourceConfig(configSchema, raw),
  open,
  event,
};
