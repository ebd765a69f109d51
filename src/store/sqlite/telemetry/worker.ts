// The telemetry worker thread: owns the telemetry database (database.ts) and runs the
// log and usage repositories' calls sent by client.ts, one at a time, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { createSqliteLogRepository } from '../log-repository.js';
import { createSqliteUsageRepository } from '../usage-repository.js';
import { TELEMETRY_MIGRATIONS } from './database.js';
import type { TelemetryReply, TelemetryRepositories, TelemetryRequest, TelemetryWorkerData } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('the telemetry worker runs as a worker thread');
const { file } = workerData as TelemetryWorkerData;
const db = openDatabase(file, TELEMETRY_MIGRATIONS);
const repositories: TelemetryRepositories = { logs: createSqliteLogRepository(db), usage: createSqliteUsageRepository(db) };

function failure(id: number, err: unknown): TelemetryReply {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { id, ok: false, error: { name: e.name, message: e.message, code: typeof code === 'string' ? code : undefined } };
}

// The repositories are synchronous underneath (better-sqlite3), so awaiting each call in
// turn keeps the replies in request order.
let chain: Promise<void> = Promise.resolve();
port.on('message', (request: TelemetryRequest) => {
  chain = chain.then(async () => {
    if (request.target === 'close') {
      db.close();
      port.close();
      return;
    }
    try {
      const repository = repositories[request.target] as unknown as Record<string, (...args: readonly unknown[]) => Promise<unknown>>;
      const method = repository[request.method];
      if (method === undefined) throw new Error(`the telemetry store has no ${request.target}.${request.method}`);
      port.postMessage({ id: request.id, ok: true, value: await Reflect.apply(method, repository, request.args) } satisfies TelemetryReply);
    } catch (err) {
      port.postMessage(failure(request.id, err));
    }
  });
});
