// The embedded store: one SQLite file in the data directory, and beside it the telemetry
// database (log lines and usage records), written by a worker thread (telemetry/).
import path from 'node:path';
import type { Store } from '../ports.js';
import { openDatabase } from './database.js';
import { createSqliteFunctionRepository } from './function-repository.js';
import { createSqliteEventInvokeConfigRepository } from './event-invoke-config-repository.js';
import { createSqliteEventQueue } from './event-queue.js';
import { createSqliteRouteRepository } from './route-repository.js';
import { createSqliteFunctionUrlRepository } from './function-url-repository.js';
import { createSqliteS3Repository } from './s3-repository.js';
import { createSqliteQueueRepository } from './queue-repository.js';
import { createSqliteExternalS3TriggerRepository } from './external-s3-trigger-repository.js';
import { createSqliteScheduleRepository } from './schedule-repository.js';
import { createSqliteVersionRepository } from './version-repository.js';
import { createSqliteAliasRepository } from './alias-repository.js';
import { createSqliteProvisionedConcurrencyRepository } from './provisioned-concurrency-repository.js';
import { createSqliteEventSourceMappingRepository } from './esm-repository.js';
import { createSqliteBacklogReader } from './usage-backlog.js';
import { prepareTelemetryDatabase, telemetryFileOf } from './telemetry/database.js';
import { createTelemetryStore } from './telemetry/client.js';
import { createSqliteLayerRepository } from './layer-repository.js';
import { createSqliteAccessKeyRepository } from './access-key-repository.js';
import { createSqliteBrokerMappingRepository } from './broker-mapping-repository.js';

export function createSqliteStore(file: string): Store {
  const db = openDatabase(path.resolve(file));
  const telemetryFile = telemetryFileOf(path.resolve(file));
  try {
    prepareTelemetryDatabase(db, telemetryFile);
  } catch (err) {
    db.close();
    throw err;
  }
  const telemetry = createTelemetryStore(telemetryFile);
  let closed = false;
  return {
    functions: createSqliteFunctionRepository(db),
    logs: telemetry.logs,
    events: createSqliteEventQueue(db),
    eventInvokeConfigs: createSqliteEventInvokeConfigRepository(db),
    routes: createSqliteRouteRepository(db),
    functionUrls: createSqliteFunctionUrlRepository(db),
    objects: createSqliteS3Repository(db),
    queues: createSqliteQueueRepository(db),
    externalS3Triggers: createSqliteExternalS3TriggerRepository(db),
    schedules: createSqliteScheduleRepository(db),
    versions: createSqliteVersionRepository(db),
    aliases: createSqliteAliasRepository(db),
    provisionedConcurrency: createSqliteProvisionedConcurrencyRepository(db),
    eventSourceMappings: createSqliteEventSourceMappingRepository(db),
    usage: { ...telemetry.usage, backlog: createSqliteBacklogReader(db) },
    layers: createSqliteLayerRepository(db),
    accessKeys: createSqliteAccessKeyRepository(db),
    brokerMappings: createSqliteBrokerMappingRepository(db),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
      await telemetry.close();
    },
  };
}
