// Lambda's recursive loop detection (lambda-reference §7.8): an event source's invocation
// carries a hop count per function in its trace header's Lineage (trace-header.ts), which
// grows by one each time a change made by the chain triggers the function again. Past the
// bound the dispatcher does not run the function: the event fails to its OnFailure
// destination, and a line in the function's own log group says why (Lambda notifies by
// e-mail and the Health Dashboard; a self-hosted platform has the log).
import type { LogRepository } from '../../store/ports.js';
import type { AsyncEvent } from '../../store/records.js';
import type { Clock } from '../../util/time.js';
import { hopCount, parseTraceHeader } from '../trace-header.js';

/** Lambda stops a chain after about 16 invocations (docs: "more than 16 times … stops the next"). */
export const RECURSION_LIMIT = 16;

export interface RecursionGuardDeps {
  readonly logs: LogRepository;
  readonly clock: Clock;
  /** The platform log. */
  readonly log: (line: string) => void;
  readonly limit?: number;
}

export class RecursionGuard {
  readonly #deps: RecursionGuardDeps;
  readonly limit: number;

  constructor(deps: RecursionGuardDeps) {
    this.#deps = deps;
    this.limit = deps.limit ?? RECURSION_LIMIT;
  }

  /** The event's hop count when running it would go past the limit; undefined when it may run. */
  exceeded(event: AsyncEvent): number | undefined {
    const hops = hopCount(event.traceHeader, event);
    return hops > this.limit ? hops : undefined;
  }

  /** Writes why the event was not run, to the function's log group and the platform log. */
  async report(event: AsyncEvent, fn: { readonly logGroup: string; readonly version: string }, hasOnFailure: boolean): Promise<void> {
    const now = this.#deps.clock();
    const root = parseTraceHeader(event.traceHeader)?.root ?? '-';
    const text = `Recursive loop detected: ${event.name} was invoked ${this.limit} times in one chain of requests `
      + `(trace Root=${root}, source ${event.source}); the next invocation (RequestId: ${event.id}) was stopped`
      + ` (RecursiveInvocationException)${hasOnFailure ? ' and its event sent to the OnFailure destination' : ''}.`;
    const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '/');
    await this.#deps.logs.append([{
      account: event.account, region: event.region, logGroup: fn.logGroup, logStream: `${day}/[${fn.version}]recursion-guard`,
      timestamp: now, requestId: event.id, message: `${new Date(now).toISOString()}\t${event.id}\tWARN\t${text}`,
    }]);
    this.#deps.log(`${event.account}/${event.region}/${event.name}: ${text}`);
  }
}
