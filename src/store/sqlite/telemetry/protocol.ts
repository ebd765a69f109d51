// Messages between the main thread (client.ts) and the telemetry worker (worker.ts).
// Every repository call is one request; the worker answers them in the order sent, so a
// read after an append sees the append.
import type { LogRepository } from '../../ports.js';
import type { UsageRecords } from '../usage-repository.js';

export interface TelemetryRepositories {
  readonly logs: LogRepository;
  readonly usage: UsageRecords;
}

export type TelemetryTarget = keyof TelemetryRepositories;

export interface TelemetryCall {
  readonly id: number;
  readonly target: TelemetryTarget;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** A request with id 0 and no target: close the database and exit. */
export type TelemetryRequest = TelemetryCall | { readonly id: 0; readonly target: 'close' };

export type TelemetryReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly code: string | undefined } };

export interface TelemetryWorkerData {
  readonly file: string;
}

/** Every method of each repository: the client builds its proxies from these. */
export const TELEMETRY_METHODS = {
  logs: ['append', 'query', 'deleteOlderThan', 'scan', 'listGroups', 'listStreams'],
  usage: ['append', 'deleteOlderThan', 'totals', 'list', 'range'],
} as const satisfies { readonly [T in TelemetryTarget]: readonly (keyof TelemetryRepositories[T])[] };

// Adding a method to a repository without listing it above fails to compile here.
type Unlisted<T extends TelemetryTarget> = Exclude<keyof TelemetryRepositories[T], (typeof TELEMETRY_METHODS)[T][number]>;
export const ALL_METHODS_LISTED: [Unlisted<'logs'>, Unlisted<'usage'>] extends [never, never] ? true : never = true;
