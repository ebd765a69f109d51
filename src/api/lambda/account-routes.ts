// GetAccountSettings: the limits this platform enforces and what the account uses.
import type { FunctionService } from '../../control/functions/function-service.js';
import type { Route } from '../http/types.js';

export interface AccountLimits {
  readonly concurrentExecutions: number;
}

export function accountRoutes(functions: FunctionService, limits: AccountLimits): Route[] {
  return [
    {
      method: 'GET', path: '/2016-08-19/account-settings', maxBodyBytes: 0,
      async handle(req) {
        let marker: string | undefined;
        let count = 0;
        let totalCodeSize = 0;
        let reserved = 0;
        do {
          const page = await functions.list(req.scope, marker, undefined);
          for (const fn of page.items) {
            count++;
            totalCodeSize += fn.latest.code.size;
            reserved += fn.reservedConcurrency ?? 0;
          }
          marker = page.nextMarker;
        } while (marker !== undefined);
        return {
          status: 200,
          body: {
            AccountLimit: {
              TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800,
              ConcurrentExecutions: limits.concurrentExecutions, UnreservedConcurrentExecutions: limits.concurrentExecutions - reserved,
            },
            AccountUsage: { TotalCodeSize: totalCodeSize, FunctionCount: count },
          },
        };
      },
    },
  ];
}
