// Create/Get/Update/Delete/ListEventSourceMappings (lambda-reference §1.4, §1.6), for SQS
// queues. The response is Lambda's EventSourceMappingConfiguration for an SQS source.
import { z } from 'zod';
import { mappingArn, type EventSourceMappingService } from '../../control/event-source-mappings/event-source-mapping-service.js';
import type { MappingInput } from '../../control/event-source-mappings/mapping-input.js';
import type { EventSourceMappingRecord } from '../../store/esm-ports.js';
import { functionArn } from '../../util/arn.js';
import type { ApiRequest, Route } from '../http/types.js';
import { optionalMaxItems } from './list-params.js';
import { parseBody } from './wire.js';

/** Members CreateEventSourceMapping has for streams, Kafka, MQ and DocumentDB sources: refused for a queue. */
const OTHER_SOURCE_MEMBERS = [
  'StartingPosition', 'StartingPositionTimestamp', 'ParallelizationFactor', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds', 'TumblingWindowInSeconds', 'DestinationConfig', 'Topics', 'Queues', 'SourceAccessConfigurations',
  'SelfManagedEventSource', 'SelfManagedKafkaEventSourceConfig', 'AmazonManagedKafkaEventSourceConfig', 'DocumentDBEventSourceConfig',
  'FilterCriteria', 'KMSKeyArn', 'ProvisionedPollerConfig',
] as const;

const settingsShape = {
  FunctionName: z.string().optional(),
  BatchSize: z.number().optional(),
  MaximumBatchingWindowInSeconds: z.number().optional(),
  FunctionResponseTypes: z.array(z.string()).optional(),
  ScalingConfig: z.object({ MaximumConcurrency: z.number().optional() }).optional(),
  Enabled: z.boolean().optional(),
  ...Object.fromEntries(OTHER_SOURCE_MEMBERS.map((m) => [m, z.unknown().optional()])),
};
const createBody = z.object({ EventSourceArn: z.string().optional(), ...settingsShape });
const updateBody = z.object(settingsShape);

/** Given and saying something: SDKs send nothing for unset members, and a `{}`, `[]` or `false` asks for nothing either. */
function given(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}

function inputOf(body: z.output<typeof updateBody> & { EventSourceArn?: string | undefined }): MappingInput {
  const members = body as Record<string, unknown>;
  return {
    eventSourceArn: body.EventSourceArn, functionName: body.FunctionName, batchSize: body.BatchSize,
    maximumBatchingWindowSeconds: body.MaximumBatchingWindowInSeconds, functionResponseTypes: body.FunctionResponseTypes,
    maximumConcurrency: body.ScalingConfig === undefined ? undefined : (body.ScalingConfig.MaximumConcurrency ?? null),
    enabled: body.Enabled, otherSourceMembers: OTHER_SOURCE_MEMBERS.filter((m) => given(members[m])),
  };
}

/** EventSourceMappingConfiguration; LastModified is a model timestamp (epoch seconds). */
export function renderMapping(m: EventSourceMappingRecord): Record<string, unknown> {
  return {
    BatchSize: m.batchSize,
    EventSourceArn: m.eventSourceArn,
    EventSourceMappingArn: mappingArn(m),
    FunctionArn: functionArn(m.region, m.account, m.functionName, m.qualifier),
    FunctionResponseTypes: m.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    LastModified: m.lastModified / 1000,
    LastProcessingResult: m.lastProcessingResult,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowSeconds,
    ...(m.maximumConcurrency !== undefined ? { ScalingConfig: { MaximumConcurrency: m.maximumConcurrency } } : {}),
    State: m.state,
    StateTransitionReason: m.stateTransitionReason,
    UUID: m.uuid,
  };
}

const PATH = '/2015-03-31/event-source-mappings';

export function eventSourceMappingRoutes(service: EventSourceMappingService): Route[] {
  const uuidOf = (req: ApiRequest): string => req.params.UUID ?? '';
  return [
    {
      method: 'POST', path: PATH, maxBodyBytes: 256 * 1024,
      async handle(req) {
        return { status: 202, body: renderMapping(await service.create(req.scope, inputOf(parseBody(createBody, req.body)))) };
      },
    },
    {
      method: 'GET', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const page = await service.list(req.scope, {
          eventSourceArn: req.query.get('EventSourceArn') ?? undefined, functionName: req.query.get('FunctionName') ?? undefined,
          marker: req.query.get('Marker') ?? undefined, maxItems: optionalMaxItems(req),
        });
        return { status: 200, body: { EventSourceMappings: page.items.map(renderMapping), ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) } };
      },
    },
    {
      method: 'GET', path: `${PATH}/:UUID`, maxBodyBytes: 0,
      async handle(req) {
        return { status: 200, body: renderMapping(await service.get(req.scope, uuidOf(req))) };
      },
    },
    {
      method: 'PUT', path: `${PATH}/:UUID`, maxBodyBytes: 256 * 1024,
      async handle(req) {
        return { status: 202, body: renderMapping(await service.update(req.scope, uuidOf(req), inputOf(parseBody(updateBody, req.body)))) };
      },
    },
    {
      method: 'DELETE', path: `${PATH}/:UUID`, maxBodyBytes: 0,
      async handle(req) {
        return { status: 202, body: renderMapping(await service.delete(req.scope, uuidOf(req))) };
      },
    },
  ];
}
