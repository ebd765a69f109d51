// Redis Streams as an event source (kind `redis-stream`): a consumer group per mapping
// reads the stream with XREADGROUP and acknowledges with XACK, so the group's position is
// the checkpoint. What a reader took and did not acknowledge stays pending in the group:
// a released entry is claimed back by the same reader, and a reader that opens claims at
// once the entries its mapping's earlier (closed or crashed) readers left pending; entries
// idle longer than claimIdleMs under any other consumer are claimed with XAUTOCLAIM.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { parseSourceConfig } from './source-config.js';
import type { SourceContext, SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';

export interface RedisStreamConfig {
  readonly url: string;
  readonly stream: string;
  /** Consumer group; `nimbus-<mappingId>` unless given. */
  readonly group?: string | undefined;
  /** Where a new group starts: the stream's first entry, or only entries added from now on. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly claimIdleMs: number;
}

export interface RedisStreamRecord {
  readonly eventSource: 'nimbus:redis-stream';
  readonly eventSourceArn: string;
  readonly stream: string;
  readonly id: string;
  readonly fields: Record<string, string>;
  readonly timestamp: number;
}

const DEFAULT_CLAIM_IDLE_MS = 60_000;

const configSchema = z.object({
  url: z.string().regex(/^rediss?:\/\/./, 'a redis:// or rediss:// URL'),
  stream: z.string().min(1),
  group: z.string().min(1).optional(),
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST']).default('LATEST'),
  claimIdleMs: z.number().int().positive().default(DEFAULT_CLAIM_IDLE_MS),
});

function parseConfig(raw: unknown): RedisStreamConfig {
  return parseSourceConfig(configSchema, raw);
}

export function redisStreamGroup(config: RedisStreamConfig, mappingId: string): string {
  return config.group ?? `nimbus-${mappingId}`;
}

/** An entry as Redis returns it: [id, [field, value, field, value …]]; null when it was deleted. */
type RawEntry = [string, string[]] | null;

function toRecord(config: RedisStreamConfig, entry: [string, string[]]): SourceRecord {
  const [id, flat] = entry;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const timestamp = Number(id.split('-')[0]);
  const payload: RedisStreamRecord = {
    eventSource: 'nimbus:redis-stream',
    eventSourceArn: `arn:nimbus:redis:::stream/${config.stream}`,
    stream: config.stream,
    id,
    fields,
    timestamp,
  };
  return { id, orderKey: undefined, payload, timestamp };
}

function connect(url: string, onError: (err: unknown) => void): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', onError);
  return redis;
}

async function createGroup(redis: Redis, config: RedisStreamConfig, group: string): Promise<void> {
  const start = config.startingPosition === 'TRIM_HORIZON' ? '0' : '$';
  try {
    await redis.xgroup('CREATE', config.stream, group, start, 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
  }
}

/** Moves to `consumer` what this mapping's other consumers hold pending, and drops those consumers. */
async function claimFromEarlierReaders(redis: Redis, stream: string, group: string, mappingId: string, consumer: string): Promise<string[]> {
  const consumers = (await redis.call('XINFO', 'CONSUMERS', stream, group)) as unknown[][];
  const claimed: string[] = [];
  for (const info of consumers) {
    const name = String(info[info.indexOf('name') + 1]);
    if (!name.startsWith(`${mappingId}-`) || name === consumer) continue;
    for (;;) {
      const pending = (await redis.xpending(stream, group, '-', '+', 1000, name)) as [string, string, number, number][];
      if (pending.length === 0) break;
      const ids = pending.map((p) => p[0]);
      const moved = (await redis.xclaim(stream, group, consumer, 0, ...ids, 'JUSTID')) as string[];
      claimed.push(...moved);
      // Entries deleted from the stream are dropped from the pending list by XCLAIM itself.
      if (pending.length < 1000) break;
    }
    await redis.xgroup('DELCONSUMER', stream, group, name);
  }
  return claimed.sort(compareIds);
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

async function open(config: RedisStreamConfig, context: SourceContext): Promise<SourceReader> {
  const group = redisStreamGroup(config, context.mappingId);
  const consumer = `${context.mappingId}-${randomBytes(4).toString('hex')}`;
  const redis = connect(config.url, context.onError);
  // XREADGROUP … BLOCK holds its connection; CLIENT UNBLOCK on the other one ends it early.
  const blocking = connect(config.url, context.onError);
  try {
    await redis.connect();
    await blocking.connect();
    await createGroup(redis, config, group);
  } catch (err) {
    redis.disconnect();
    blocking.disconnect();
    throw err;
  }
  const blockingId = (await blocking.client('ID'));
  /** Ids this reader owns that are to be delivered again before new entries (released, or taken over). */
  const redeliver = await claimFromEarlierReaders(redis, config.stream, group, context.mappingId, consumer);
  const inFlight = new Set<string>();
  let lastAutoclaim = 0;
  let blocked = false;
  let closed = false;

  const fresh = (entries: RawEntry[]): SourceRecord[] => {
    const records: SourceRecord[] = [];
    for (const entry of entries) {
      if (entry === null || inFlight.has(entry[0])) continue;
      inFlight.add(entry[0]);
      records.push(toRecord(config, entry));
    }
    return records;
  };

  const claimBack = async (max: number): Promise<SourceRecord[]> => {
    const ids = redeliver.splice(0, max);
    if (ids.length === 0) return [];
    return fresh((await redis.xclaim(config.stream, group, consumer, 0, ...ids)) as RawEntry[]);
  };

  /** Entries other consumers left pending longer than claimIdleMs (readers that died elsewhere). */
  const autoclaim = async (max: number): Promise<SourceRecord[]> => {
    const now = Date.now();
    if (now - lastAutoclaim < Math.min(config.claimIdleMs, 5000)) return [];
    lastAutoclaim = now;
    const reply = (await redis.call('XAUTOCLAIM', config.stream, group, consumer, config.claimIdleMs, '0', 'COUNT', max)) as [string, RawEntry[]];
    return fresh(reply[1]);
  };

  const readNew = async (max: number, waitMs: number, signal: AbortSignal): Promise<SourceRecord[]> => {
    const block = waitMs > 0 ? ['BLOCK', Math.max(1, Math.round(waitMs))] : [];
    const unblock = (): void => {
      if (blocked) void redis.client('UNBLOCK', blockingId).catch(() => undefined);
    };
    signal.addEventListener('abort', unblock, { once: true });
    blocked = true;
    try {
      const reply = (await blocking.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, ...block, 'STREAMS', config.stream, '>')) as [string, RawEntry[]][] | null;
      return reply === null ? [] : fresh(reply[0]![1]);
    } catch (err) {
      // close() ends a blocked read by dropping its connection: not a failure.
      if (closed) return [];
      throw err;
    } finally {
      blocked = false;
      signal.removeEventListener('abort', unblock);
    }
  };

  return {
    async read(max, waitMs, signal) {
      if (closed || signal.aborted) return [];
      const again = await claimBack(max);
      if (again.length > 0) return again;
      const orphans = await autoclaim(max);
      if (orphans.length > 0) return orphans;
      return readNew(max, waitMs, signal);
    },
    async ack(records) {
      if (records.length === 0) return;
      await redis.xack(config.stream, group, ...records.map((r) => r.id));
      for (const r of records) inFlight.delete(r.id);
    },
    async release(records) {
      for (const r of records) inFlight.delete(r.id);
      redeliver.push(...records.map((r) => r.id));
      redeliver.sort(compareIds);
      return Promise.resolve();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (blocked) await redis.client('UNBLOCK', blockingId).catch(() => undefined);
      blocking.disconnect();
      await redis.quit().catch(() => undefined);
    },
    async lag() {
      const groups = (await redis.call('XINFO', 'GROUPS', config.stream)) as unknown[][];
      for (const info of groups) {
        if (info[info.indexOf('name') + 1] !== group) continue;
        const at = info.indexOf('lag');
        const lag = at < 0 ? null : info[at + 1];
        return typeof lag === 'number' ? lag : undefined;
      }
      return undefined;
    },
  };
}

/** Drops the consumer group when it is the mapping's own (a group the user named may be shared). */
async function forget(config: RedisStreamConfig, context: SourceContext): Promise<void> {
  if (config.group !== undefined) return;
  const redis = connect(config.url, context.onError);
  try {
    await redis.connect();
    await redis.xgroup('DESTROY', config.stream, redisStreamGroup(config, context.mappingId));
  } finally {
    redis.disconnect();
  }
}

export const redisStreamSource: SourcePlugin<RedisStreamConfig> = {
  kind: 'redis-stream',
  parseConfig,
  open,
  event(records) {
    return { Records: records.map((r) => r.payload) };
  },
  forget,
};
