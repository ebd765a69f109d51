// Destinations on message brokers are named by ARNs in Nimbus's own scheme (AWS has no
// ARN for a NATS subject, a RabbitMQ exchange or a Redis stream):
//   arn:nimbus:nats:::subject/<subject>
//   arn:nimbus:rabbitmq:::exchange/<exchange>/<routing-key>   (empty exchange = the default one)
//   arn:nimbus:redis:::stream/<stream>
// Parsing is pure, so the config service can refuse a bad ARN when it is set rather than
// when a record is delivered.
import { invalidParameter } from '../../errors.js';

export type BrokerKind = 'nats' | 'rabbitmq' | 'redis';

export type BrokerTarget =
  | { readonly kind: 'nats'; readonly subject: string }
  | { readonly kind: 'rabbitmq'; readonly exchange: string; readonly routingKey: string }
  | { readonly kind: 'redis'; readonly stream: string };

const PREFIX = /^arn:nimbus:(nats|rabbitmq|redis):::(.*)$/s;

/** A NATS subject to publish on: dot-separated tokens, no wildcards or white space. */
const NATS_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

/** True for every ARN in the broker scheme, well formed or not (the rest is for parseBrokerArn to judge). */
export function isBrokerArn(arn: string): boolean {
  return PREFIX.test(arn);
}

/** The target a broker ARN names; throws InvalidParameterValueException (naming `field`) when it is malformed. */
export function parseBrokerArn(arn: string, field: string): BrokerTarget {
  const [, kind, resource = ''] = PREFIX.exec(arn) ?? [];
  const bad = (shape: string): Error => invalidParameter(field, `'${arn}' is not a valid destination ARN; expected ${shape}`);
  switch (kind) {
    case 'nats': {
      const subject = resource.startsWith('subject/') ? resource.slice('subject/'.length) : '';
      if (subject.length > 255 || !NATS_SUBJECT.test(subject)) throw bad('arn:nimbus:nats:::subject/<subject> (a subject without wildcards)');
      return { kind, subject };
    }
    case 'rabbitmq': {
      const match = /^exchange\/([^/]*)\/(.*)$/s.exec(resource);
      const shape = 'arn:nimbus:rabbitmq:::exchange/<exchange>/<routing-key> (exchange may be empty: the default exchange)';
      if (!match) throw bad(shape);
      const [, exchange = '', routingKey = ''] = match;
      // AMQP short strings: at most 255 bytes.
      if (Buffer.byteLength(exchange) > 255 || Buffer.byteLength(routingKey) > 255) throw bad(shape);
      if (exchange === '' && routingKey === '') throw bad(`${shape}; the default exchange needs the queue name as routing key`);
      return { kind, exchange, routingKey };
    }
    case 'redis': {
      const stream = resource.startsWith('stream/') ? resource.slice('stream/'.length) : '';
      if (stream === '') throw bad('arn:nimbus:redis:::stream/<stream>');
      return { kind, stream };
    }
    default:
      throw bad('arn:nimbus:nats|rabbitmq|redis:::…');
  }
}
