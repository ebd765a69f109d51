// The cluster store: every port on one PostgreSQL database that any number of nodes share.
import type { Store } from '../ports.js';
import { openPostgres, type Pg, type PostgresOptions } from './database.js';
import { createPostgresFunctionRepository } from './function-repository.js';
import { createPostgresEventInvokeConfigRepository } from './event-invoke-config-repository.js';
import { createPostgresEventQueue } from './event-queue.js';
import { createPostgresLogRepository } from './log-repository.js';
import { createPostgresRouteRepository } from './route-repository.js';
import { createPostgresFunctionUrlRepository } from './function-url-repository.js';
import { createPostgresS3Repository } from './s3-repository.js';
import { createPostgresQueueRepository } from './queue-repository.js';
import { createPostgresExternalS3TriggerRepository } from './external-s3-trigger-repository.js';
import { createPostgresScheduleRepository } from './schedule-repository.js';
import { createPostgresVersionRepository } from './version-repository.js';
import { createPostgresAliasRepository } from './alias-repository.js';
import { createPostgresProvisionedConcurrencyRepository } from './provisioned-concurrency-repository.js';
import { createPostgresEventSourceMappingRepository } from './esm-repository.js';
import { createPostgresUsageRepository } from './usage-repository.js';
import { createPostgresLayerRepository } from './layer-repository.js';
import { createPostgresAccessKeyRepository } from './access-key-repository.js';
import { createPostgresBrokerMappingRepository } from './broker-mapping-repository.js';

/** The store's ports over an open database (which the caller may also use for cluster coordination). */
export function createPostgresStore(db: Pg): Store {
  let closed = false;
  return {
    functions: createPostgresFunctionRepository(db),
    logs: createPostgresLogRepository(db),
    events: createPostgresEventQueue(db),
    eventInvokeConfigs: createPostgresEventInvokeConfigRepository(db),
    routes: createPostgresRouteRepository(db),
    functionUrls: createPostgresFunctionUrlRepository(db),
    objects: createPostgresS3Repository(db),
    queues: createPostgresQueueRepository(db),
    externalS3Triggers: createPostgresExternalS3TriggerRepository(db),
    schedules: createPostgresScheduleRepository(db),
    versions: createPostgresVersionRepository(db),
    aliases: createPostgresAliasRepository(db),
    provisionedConcurrency: createPostgresProvisionedConcurrencyRepository(db),
    eventSourceMappings: createPostgresEventSourceMappingRepository(db),
    usage: createPostgresUsageRepository(db),
    layers: createPostgresLayerRepository(db),
    accessKeys: createPostgresAccessKeyRepository(db),
    brokerMappings: createPostgresBrokerMappingRepository(db),
    async close() {
      if (!closed) {
        closed = true;
        await db.close();
      }
    },
  };
}

/** Connects, migrates and composes the store. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  return createPostgresStore(await openPostgres(url, options));
}
