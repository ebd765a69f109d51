// Put/Get/DeleteFunctionConcurrency (reserved concurrency; lambda-reference §1.4, §1.6).
import { z } from 'zod';
import type { FunctionService } from '../../control/functions/function-service.js';
import type { Route } from '../http/types.js';
import { requireUnqualified, resolveFunctionRef } from './function-ref.js';
import { parseBody } from './wire.js';

const putConcurrencyBody = z.object({ ReservedConcurrentExecutions: z.number() });

export interface ConcurrencyLimits {
  readonly accountConcurrency: number;
  /** Lambda keeps at least this many unreserved; scaled down for small account limits. */
  readonly minimumUnreserved: number;
}

export function concurrencyRoutes(functions: FunctionService, limits: ConcurrencyLimits): Route[] {
  return [
    {
      method: 'PUT', path: '/2017-10-31/functions/:FunctionName/concurrency', maxBodyBytes: 4096,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const { ReservedConcurrentExecutions: reserved } = parseBody(putConcurrencyBody, req.body);
        await functions.putConcurrency(key, reserved, limits.accountConcurrency, limits.minimumUnreserved);
        return { status: 200, body: { ReservedConcurrentExecutions: reserved } };
      },
    },
    {
      method: 'GET', path: '/2019-09-30/functions/:FunctionName/concurrency', maxBodyBytes: 0,
      async handle(req) {
        const fn = await functions.get(requireUnqualified(resolveFunctionRef(req)));
        return { status: 200, body: fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency } };
      },
    },
    {
      method: 'DELETE', path: '/2017-10-31/functions/:FunctionName/concurrency', maxBodyBytes: 0,
      async handle(req) {
        await functions.deleteConcurrency(requireUnqualified(resolveFunctionRef(req)));
        return { status: 204 };
      },
    },
  ];
}
