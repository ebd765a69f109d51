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
import { createSqliteS3Repository } from './s3-repository.js';
import { createSqliteQueueRepository } from './queue-repository.js';
import { createSqliteExternalS3TriggerRepository } from './external-s3-trigger-repository.js';
import { createSqliteScheduleRepository } from './schedule-repository.js';
import { createSqliteVersionRepository } from './version-repository.js';
import { createSqliteAliasRepository } from './alias-repository.js';
import { createSqliteProvisionedConcurrencyRepository } from './provisioned-concurrency-repository.js';
import { createSqliteEventSourceMappingRepository } from './esm-repository.js';
import { createSqliteUsageRepository } from './usage-repository.js';
import { createSqliteLayerRepository } from './layer-repository.js';
import { createSqliteAccessKeyRepository } from './access-key-repository.js';
import { createSqliteBrokerMappingRepository } from './broker-mapping-repository.js';

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
    objects: createSqliteS3Repository(db),
    queues: createSqliteQueueRepository(db),
    externalS3Triggers: createSqliteExternalS3TriggerRepository(db),
    schedules: createSqliteScheduleRepository(db),
    versions: createSqliteVersionRepository(db),
    aliases: createSqliteAliasRepository(db),
    provisionedConcurrency: createSqliteProvisionedConcurrencyRepository(db),
    eventSourceMappings: createSqliteEventSourceMappingRepository(db),
    usage: createSqliteUsageRepository(db),
    layers: createSqliteLayerRepository(db),
    accessKeys: createSqliteAccessKeyRepository(db),
    brokerMappings: createSqliteBrokerMappingRepository(db),
    close() {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}
