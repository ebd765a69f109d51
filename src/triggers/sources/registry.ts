// The event source plugins this build serves, one per kind (docs/event-sources.md, "add a
// trigger"). A new source is one file implementing SourcePlugin (source-plugin.ts) plus
// one import and one entry here; the API, the CLI and the runtime find it by its kind.
import { mqttSource } from './mqtt.js';
import { natsSource } from './nats.js';
import { postgresCdcSource } from './postgres-cdc.js';
import { rabbitMqSource } from './rabbitmq.js';
import { redisStreamSource } from './redis-stream.js';
import type { SourcePlugin } from './source-plugin.js';

export const SOURCE_PLUGINS: readonly SourcePlugin[] = [
  postgresCdcSource,
  redisStreamSource,
  rabbitMqSource,
  natsSource,
  mqttSource,
];
