// One record per finished invocation, published on a diagnostics channel. The hot path
// only publishes; logs/ and metering/ subscribe (ARCHITECTURE.md §6).
import diagnostics from 'node:diagnostics_channel';
import type { FunctionKey } from '../store/records.js';

export type InvocationOutcome = 'success' | 'function-error' | 'timeout' | 'crash' | 'out-of-memory' | 'throttled';

export type StartType = 'cold' | 'warm' | 'provisioned';

export interface InvocationRecord {
  readonly key: FunctionKey;
  readonly version: string;
  /** The alias or version the caller named, if any. */
  readonly qualifier: string | undefined;
  readonly architecture: 'x86_64' | 'arm64';
  readonly requestId: string;
  readonly trigger: 'sync' | 'async' | 'url' | 'route' | 'schedule' | 'queue' | 's3' | 'source';
  readonly logGroup: string;
  readonly logStream: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Set on the first invoke of an instance (a cold start). */
  readonly initDurationMs: number | undefined;
  /** `provisioned`: served by a provisioned-concurrency instance (its INIT ran ahead of traffic). */
  readonly startType: StartType;
  readonly outcome: InvocationOutcome;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Every log line of the invocation, START to REPORT, without trailing newlines. */
  readonly lines: readonly { readonly timestamp: number; readonly text: string }[];
}

export interface InvocationEvents {
  publish(record: InvocationRecord): void;
  subscribe(listener: (record: InvocationRecord) => void): () => void;
}

export function createInvocationEvents(): InvocationEvents {
  // A symbol gives each platform in one process (tests) its own channel.
  const channel = diagnostics.channel(Symbol('nimbus:invocations'));
  return {
    publish(record) {
      if (channel.hasSubscribers) channel.publish(record);
    },
    subscribe(listener) {
      const handler = (message: unknown): void => listener(message as InvocationRecord);
      channel.subscribe(handler);
      return () => channel.unsubscribe(handler);
    },
  };
}
