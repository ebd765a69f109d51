// The embedded store: one SQLite file in the data directory.
import path from 'node:path';
import type { Store } from '../ports.js';
import { openDatabase } from './database.js';
import { createSqliteFunctionRepository } from './function-repository.js';
import { createSqliteEventInvokeConfigRepository } from './event-invoke-config-repository.js';
import { createSqliteEventQueue } from './event-queue.js';
import { createSqliteLogRepository } from './log-repository.js';
import { createSqliteRouteRepository } from './route-repository.js';
import { createSqliteFunctionUrlRepository } from './function-url-repository.js';

export function createSqliteStore(file: string): Store {
  const db = openDatabase(path.resolve(file));
  let closed = false;
  return {
    functions: createSqliteFunctionRepository(db),
    logs: createSqliteLogRepository(db),
    events: createSqliteEventQueue(db),
    eventInvokeConfigs: createSqliteEventInvokeConfigRepository(db),
    routes: createSqliteRouteRepository(db),
    functionUrls: createSqliteFunctionUrlRepository(db),
    close() {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}
