// The event sources' admin API (docs/event-sources.md), under /nimbus/v1/event-sources:
//   POST   /nimbus/v1/event-sources          create ({kind, source, functionName, …}) → 201
//   GET    /nimbus/v1/event-sources          list, in creation order, with state, lag, last error
//   GET    /nimbus/v1/event-sources/{uuid}
//   PATCH  /nimbus/v1/event-sources/{uuid}   enabled, batchSize, window, retries, bisect, destination
//   DELETE /nimbus/v1/event-sources/{uuid}   → 200 with the deleted mapping
// Errors in the admin surface's (Lambda's) shape: InvalidParameterValueException naming the field.
import { z } from 'zod';
import type { BrokerMappingService } from '../../control/event-sources/broker-mapping-service.js';
import type { BrokerMappingRecord } from '../../store/broker-mapping-ports.js';
import { functionArn } from '../../util/arn.js';
import type { ApiRequest, Route } from '../http/types.js';
import { parseBody } from '../lambda/wire.js';

const MAX_BODY_BYTES = 256 * 1024;
const BASE = '/nimbus/v1/event-sources';

const settings = {
  batchSize: z.number().optional(),
  maximumBatchingWindowSeconds: z.number().optional(),
  maximumRetryAttempts: z.number().optional(),
  bisectBatchOnFunctionError: z.boolean().optional(),
  enabled: z.boolean().optional(),
};

// Strict: a misspelt member (`batchsize`) is an error, not a silently ignored setting.
const createBody = z.strictObject({
  kind: z.string(),
  source: z.unknown(),
  functionName: z.string(),
  qualifier: z.string().optional(),
  onFailureDestination: z.string().optional(),
  ...settings,
});

const patchBody = z.strictObject({ ...settings, onFailureDestination: z.string().nullable().optional() });

/** Reads the mapping's lag on the node polling it (undefined elsewhere, or when the source cannot tell). */
export type LagOf = (uuid: string) => Promise<number | undefined>;

export function sourceToJson(m: BrokerMappingRecord, lag: number | undefined): Record<string, unknown> {
  return {
    uuid: m.uuid, kind: m.kind, source: JSON.parse(m.sourceConfig) as unknown, functionName: m.functionName, qualifier: m.qualifier,
    functionArn: functionArn(m.region, m.account, m.functionName, m.qualifier), batchSize: m.batchSize,
    maximumBatchingWindowSeconds: m.maximumBatchingWindowSeconds, maximumRetryAttempts: m.maximumRetryAttempts,
    bisectBatchOnFunctionError: m.bisectBatchOnFunctionError, onFailureDestination: m.onFailureDestination, enabled: m.enabled, state: m.state,
    lastProcessingResult: m.lastProcessingResult, lastError: m.lastError, lag,
    createdAt: new Date(m.createdAt).toISOString(), lastModified: new Date(m.lastModified).toISOString(),
  };
}

const uuidOf = (req: ApiRequest): string => req.params.uuid ?? '';

export function sourceRoutes(sources: BrokerMappingService, lagOf: LagOf): Route[] {
  const withLag = async (m: BrokerMappingRecord): Promise<Record<string, unknown>> => sourceToJson(m, await lagOf(m.uuid));
  return [
    {
      method: 'GET', path: BASE, maxBodyBytes: 0,
      async handle(req) {
        const list = await sources.list(req.scope);
        return { status: 200, body: { eventSources: await Promise.all(list.map(withLag)) } };
      },
    },
    {
      method: 'POST', path: BASE, maxBodyBytes: MAX_BODY_BYTES, errorLabel: 'CreateEventSource',
      async handle(req) {
        const body = parseBody(createBody, req.body);
        return { status: 201, body: sourceToJson(await sources.create(req.scope, body), undefined) };
      },
    },
    {
      method: 'GET', path: `${BASE}/:uuid`, maxBodyBytes: 0,
      async handle(req) {
        return { status: 200, body: await withLag(await sources.get(req.scope, uuidOf(req))) };
      },
    },
    {
      method: 'PATCH', path: `${BASE}/:uuid`, maxBodyBytes: MAX_BODY_BYTES, errorLabel: 'UpdateEventSource',
      async handle(req) {
        const body = parseBody(patchBody, req.body);
        return { status: 200, body: sourceToJson(await sources.update(req.scope, uuidOf(req), body), undefined) };
      },
    },
    {
      method: 'DELETE', path: `${BASE}/:uuid`, maxBodyBytes: 0,
      async handle(req) {
        return { status: 200, body: sourceToJson(await sources.delete(req.scope, uuidOf(req)), undefined) };
      },
    },
  ];
}
