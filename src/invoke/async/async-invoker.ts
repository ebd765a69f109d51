// Accepting an asynchronous invocation: the event is written to the durable queue before
// the caller gets its 202 (ARCHITECTURE.md §3), then the dispatcher is woken.
import { randomUUID } from 'node:crypto';
import { NimbusError } from '../../errors.js';
import type { EventQueue } from '../../store/ports.js';
import type { AsyncEvent, FunctionKey } from '../../store/records.js';
import type { Clock } from '../../util/time.js';
import type { FunctionService } from '../../control/functions/function-service.js';

/** Async payloads are limited to 1 MB (lambda-reference §2.1). */
export const ASYNC_MAX_PAYLOAD = 1024 * 1024;

export interface AcceptRequest {
  readonly key: FunctionKey;
  readonly qualifier: string | undefined;
  readonly payload: Buffer;
  readonly requestId?: string | undefined;
  readonly source: string;
  /** X-Amzn-Trace-Id to run under (an event source's chain, for the recursion guard). */
  readonly traceHeader?: string | undefined;
}

export function newAsyncEvent(request: AcceptRequest, now: number): AsyncEvent {
  return {
    ...request.key, id: request.requestId ?? randomUUID(), qualifier: request.qualifier, payload: request.payload,
    source: request.source, createdAt: now, status: 'queued', attempts: 0, tries: 0, notBefore: now,
    leaseOwner: undefined, leaseUntil: undefined, lastError: undefined, updatedAt: now, traceHeader: request.traceHeader,
  };
}

export class AsyncInvoker {
  readonly #queue: EventQueue;
  readonly #functions: FunctionService;
  readonly #clock: Clock;
  readonly #wake: () => void;

  constructor(queue: EventQueue, functions: FunctionService, clock: Clock, wake: () => void) {
    this.#queue = queue;
    this.#functions = functions;
    this.#clock = clock;
    this.#wake = wake;
  }

  /** Resolves once the event is durable; returns its request id. */
  async accept(request: AcceptRequest): Promise<string> {
    if (request.payload.length > ASYNC_MAX_PAYLOAD) {
      throw new NimbusError('RequestTooLargeException', `Request must be smaller than ${ASYNC_MAX_PAYLOAD} bytes for the InvokeFunction operation`);
    }
    await this.#functions.requireInvocable(request.key, request.qualifier); // a version or alias of it, too
    const event = newAsyncEvent(request, this.#clock());
    await this.#queue.enqueue([event]);
    this.#wake();
    return event.id;
  }
}
