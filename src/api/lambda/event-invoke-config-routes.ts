// Put/Update/Get/Delete/ListFunctionEventInvokeConfigs (lambda-reference §1.4, §1.6).
import { z } from 'zod';
import type { EventInvokeConfigService } from '../../control/functions/event-invoke-config-service.js';
import type { EventInvokeConfig } from '../../store/records.js';
import { functionArn } from '../../util/arn.js';
import type { ApiRequest, Route } from '../http/types.js';
import { resolveFunctionRef } from './function-ref.js';
import { parseBody } from './wire.js';

const destination = z.object({ Destination: z.string().optional() }).optional();
const configBody = z.object({
  MaximumRetryAttempts: z.number().optional(),
  MaximumEventAgeInSeconds: z.number().optional(),
  DestinationConfig: z.object({ OnSuccess: destination, OnFailure: destination }).optional(),
});

/** LastModified is a model timestamp: epoch seconds as a JSON number. */
export function renderEventInvokeConfig(c: EventInvokeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    FunctionArn: functionArn(c.region, c.account, c.name, c.qualifier),
    LastModified: c.lastModified / 1000,
  };
  if (c.maximumRetryAttempts !== undefined) out.MaximumRetryAttempts = c.maximumRetryAttempts;
  if (c.maximumEventAgeInSeconds !== undefined) out.MaximumEventAgeInSeconds = c.maximumEventAgeInSeconds;
  const d: Record<string, unknown> = {};
  if (c.destinations.onSuccess !== undefined) d.OnSuccess = { Destination: c.destinations.onSuccess };
  if (c.destinations.onFailure !== undefined) d.OnFailure = { Destination: c.destinations.onFailure };
  out.DestinationConfig = { OnSuccess: d.OnSuccess ?? {}, OnFailure: d.OnFailure ?? {} };
  return out;
}

const PATH = '/2019-09-25/functions/:FunctionName/event-invoke-config';

export function eventInvokeConfigRoutes(service: EventInvokeConfigService): Route[] {
  const write = (merge: boolean) => async (req: ApiRequest) => {
    const ref = resolveFunctionRef(req);
    const body = parseBody(configBody, req.body);
    const config = await service.put(ref.key, ref.qualifier, {
      maximumRetryAttempts: body.MaximumRetryAttempts, maximumEventAgeInSeconds: body.MaximumEventAgeInSeconds,
      onSuccess: body.DestinationConfig?.OnSuccess?.Destination, onFailure: body.DestinationConfig?.OnFailure?.Destination,
    }, merge);
    return { status: 200, body: renderEventInvokeConfig(config) };
  };
  return [
    { method: 'PUT', path: PATH, maxBodyBytes: 64 * 1024, handle: write(false) },
    { method: 'POST', path: PATH, maxBodyBytes: 64 * 1024, handle: write(true) },
    {
      method: 'GET', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        return { status: 200, body: renderEventInvokeConfig(await service.get(ref.key, ref.qualifier)) };
      },
    },
    {
      method: 'DELETE', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        await service.delete(ref.key, ref.qualifier);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: `${PATH}/list`, maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        return { status: 200, body: { FunctionEventInvokeConfigs: (await service.list(ref.key)).map(renderEventInvokeConfig) } };
      },
    },
  ];
}
