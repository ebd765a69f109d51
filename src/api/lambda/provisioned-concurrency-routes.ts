// Put/Get/Delete/ListProvisionedConcurrencyConfigs (lambda-reference §1.4, §1.6). Get and
// List share a path: List is the one with `?List=ALL`.
import type { ProvisionedConcurrencyService } from '../../control/functions/provisioned-concurrency-service.js';
import type { Route } from '../http/types.js';
import { requireUnqualified, resolveFunctionRef } from './function-ref.js';
import { optionalMaxItems } from './list-params.js';
import { renderProvisionedConfig } from './render.js';
import { parseBody, putProvisionedConcurrencyBody } from './wire.js';

const PATH = '/2019-09-30/functions/:FunctionName/provisioned-concurrency';

export function provisionedConcurrencyRoutes(service: ProvisionedConcurrencyService): Route[] {
  return [
    {
      method: 'PUT', path: PATH, maxBodyBytes: 4096,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const body = parseBody(putProvisionedConcurrencyBody, req.body);
        const view = await service.put(ref.key, ref.qualifier, body.ProvisionedConcurrentExecutions);
        return { status: 202, body: renderProvisionedConfig(view, false) };
      },
    },
    {
      method: 'GET', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        if (req.query.get('List') === 'ALL') {
          const key = requireUnqualified(resolveFunctionRef(req));
          const page = await service.list(key, req.query.get('Marker') ?? undefined, optionalMaxItems(req));
          const body: Record<string, unknown> = { ProvisionedConcurrencyConfigs: page.items.map((v) => renderProvisionedConfig(v, true)) };
          if (page.nextMarker !== undefined) body.NextMarker = page.nextMarker;
          return { status: 200, body };
        }
        const ref = resolveFunctionRef(req);
        return { status: 200, body: renderProvisionedConfig(await service.get(ref.key, ref.qualifier), false) };
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
  ];
}
