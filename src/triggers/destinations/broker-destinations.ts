// Message brokers as targets of asynchronous invocation: an OnSuccess or OnFailure
// destination may be a NATS subject, a RabbitMQ exchange or a Redis stream (broker-arn.ts),
// and receives exactly the destination record an SQS queue gets. Each broker is reached
// through the URL the platform is configured with (destinationNatsUrl, destinationRabbitmqUrl,
// destinationRedisUrl), over one connection per broker per node, opened on first use and
// closed on dispose. Delivery is QueueDestinations' (triggers/sqs/queue-destinations.ts):
// the dispatcher sends before it settles the event; a publish that fails or times out is
// logged and the record dropped, not retried.
import { NimbusError } from '../../errors.js';
import type { FunctionKey } from '../../store/records.js';
import { isBrokerArn, parseBrokerArn, type BrokerKind, type BrokerTarget } from './broker-arn.js';
import { NatsPublisher } from './nats-publisher.js';
import { PUBLISH_TIMEOUT_MS } from './publish-timeout.js';
import { RabbitmqPublisher } from './rabbitmq-publisher.js';
import { RedisPublisher } from './redis-publisher.js';

export interface BrokerUrls {
  /** Empty: that kind of destination is refused. */
  readonly destinationNatsUrl: string;
  readonly destinationRabbitmqUrl: string;
  readonly destinationRedisUrl: string;
}

export interface BrokerDestinationsDeps {
  readonly urls: BrokerUrls;
  readonly onError: (err: unknown) => void;
  readonly timeoutMs?: number;
}

const SETTING: Record<BrokerKind, { key: keyof BrokerUrls; flag: string; variable: string; label: string }> = {
  nats: { key: 'destinationNatsUrl', flag: '--destination-nats-url', variable: 'NIMBUS_DESTINATION_NATS_URL', label: 'NATS' },
  rabbitmq: { key: 'destinationRabbitmqUrl', flag: '--destination-rabbitmq-url', variable: 'NIMBUS_DESTINATION_RABBITMQ_URL', label: 'RabbitMQ' },
  redis: { key: 'destinationRedisUrl', flag: '--destination-redis-url', variable: 'NIMBUS_DESTINATION_REDIS_URL', label: 'Redis' },
};

function notConfigured(kind: BrokerKind): string {
  const s = SETTING[kind];
  return `${s.label} destinations need the platform setting ${s.key} (${s.flag} / ${s.variable}), which is empty on this platform`;
}

export class BrokerDestinations {
  readonly #deps: BrokerDestinationsDeps;
  readonly #timeoutMs: number;
  #nats: NatsPublisher | undefined;
  #rabbitmq: RabbitmqPublisher | undefined;
  #redis: RedisPublisher | undefined;

  constructor(deps: BrokerDestinationsDeps) {
    this.#deps = deps;
    this.#timeoutMs = deps.timeoutMs ?? PUBLISH_TIMEOUT_MS;
  }

  isBroker(arn: string): boolean {
    return isBrokerArn(arn);
  }

  /** When a destination is set: the ARN must be well formed and its broker configured (InvalidParameterValueException naming `field`). */
  check(field: string, arn: string): void {
    const target = parseBrokerArn(arn, field);
    if (this.#deps.urls[SETTING[target.kind].key] === '') {
      throw new NimbusError('InvalidParameterValueException', `${field}: ${notConfigured(target.kind)}`);
    }
  }

  /** The destination record as one message; a failure (broker down, timeout, unknown exchange) is logged, not retried. */
  async sendRecord(arn: string, record: Buffer, sender: FunctionKey): Promise<void> {
    try {
      await this.#publish(parseBrokerArn(arn, 'Destination'), record);
    } catch (err) {
      this.#deps.onError(new Error(`could not send to ${arn} for ${sender.name}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** Closes the connections that were opened. */
  async dispose(): Promise<void> {
    const open = [this.#nats, this.#rabbitmq, this.#redis].flatMap((publisher) => (publisher ? [publisher.close()] : []));
    this.#nats = this.#rabbitmq = this.#redis = undefined;
    await Promise.allSettled(open);
  }

  async #publish(target: BrokerTarget, record: Buffer): Promise<void> {
    const url = this.#deps.urls[SETTING[target.kind].key];
    // Set on another node, or before this node's setting was emptied.
    if (url === '') throw new Error(notConfigured(target.kind));
    switch (target.kind) {
      case 'nats':
        this.#nats ??= new NatsPublisher(url, this.#timeoutMs);
        return this.#nats.publish(target.subject, record);
      case 'rabbitmq':
        this.#rabbitmq ??= new RabbitmqPublisher(url, this.#timeoutMs, this.#deps.onError);
        return this.#rabbitmq.publish(target.exchange, target.routingKey, record);
      case 'redis':
        this.#redis ??= new RedisPublisher(url, this.#timeoutMs, this.#deps.onError);
        return this.#redis.publish(target.stream, record);
    }
  }
}
