// The main thread's side of the telemetry database: log and usage repositories whose
// calls run on the telemetry worker (worker.ts). The worker starts on the first call and
// keeps the process alive only while a call is outstanding.
import { Worker } from 'node:worker_threads';
import type { LogRepository } from '../../ports.js';
import type { UsageRecords } from '../usage-repository.js';
import { TELEMETRY_METHODS } from './protocol.js';
import type { TelemetryReply, TelemetryRepositories, TelemetryRequest, TelemetryTarget, TelemetryWorkerData } from './protocol.js';

export interface TelemetryStore extends TelemetryRepositories {
  /** Waits for the calls sent, closes the database and stops the worker; idempotent. */
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

function replyError(error: Extract<TelemetryReply, { ok: false }>['error']): Error {
  return Object.assign(new Error(error.message), { name: error.name, ...(error.code !== undefined ? { code: error.code } : {}) });
}

export function createTelemetryStore(file: string): TelemetryStore {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: Worker | undefined;
  let closing: Promise<void> | undefined;

  const failAll = (err: Error): void => {
    for (const call of pending.values()) call.reject(err);
    pending.clear();
  };
  const start = (): Worker => {
    const started = new Worker(new URL('./worker.js', import.meta.url), { workerData: { file } satisfies TelemetryWorkerData });
    started.on('message', (reply: TelemetryReply) => {
      const call = pending.get(reply.id);
      if (call === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (reply.ok) call.resolve(reply.value);
      else call.reject(replyError(reply.error));
    });
    // A worker that died (it should not) fails the calls it held; the next call starts another.
    started.on('error', (err) => {
      if (worker === started) worker = undefined;
      failAll(err);
    });
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failAll(new Error(`the telemetry worker exited (code ${code})`));
    });
    return started;
  };
  const call = (target: TelemetryTarget, method: string, args: readonly unknown[]): Promise<unknown> => {
    if (closing !== undefined) return Promise.reject(new Error('the telemetry store is closed'));
    worker ??= start();
    const id = nextId++;
    if (pending.size === 0) worker.ref();
    const sent = worker;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      sent.postMessage({ id, target, method, args } satisfies TelemetryRequest);
    });
  };
  const proxy = <T extends TelemetryTarget>(target: T): TelemetryRepositories[T] =>
    Object.fromEntries(TELEMETRY_METHODS[target].map((method) => [method, (...args: unknown[]) => call(target, method, args)])) as unknown as TelemetryRepositories[T];

  return {
    logs: proxy('logs') satisfies LogRepository,
    usage: proxy('usage') satisfies UsageRecords,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const open = worker;
        if (open === undefined) return resolve();
        open.ref();
        open.once('exit', () => resolve());
        open.postMessage({ id: 0, target: 'close' } satisfies TelemetryRequest);
      });
      return closing;
    },
  };
}
