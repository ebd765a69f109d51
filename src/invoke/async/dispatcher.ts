// Delivers queued async events: leases due events, runs each through the same invoke
// path as a sync call (same request id on every attempt), and settles it by Lambda's
// rules (retry-policy.ts). Settling and enqueueing the destination record happen in one
// store transaction, so a crash either delivers the record or retries the event: nothing
// is lost, and duplicates only come from events that were running at the crash.
import { NimbusError } from '../../errors.js';
import type { EventInvokeConfigRepository, EventQueue, EventSettlement } from '../../store/ports.js';
import type { AsyncEvent, EventInvokeConfig, FunctionKey } from '../../store/records.js';
import { parseFunctionRef } from '../../util/arn.js';
import type { Clock } from '../../util/time.js';
import type { FunctionResolver } from '../function-resolver.js';
import type { InvokeService } from '../invoke-service.js';
import type { InvocationRecord } from '../invocation-events.js';
import { newAsyncEvent } from './async-invoker.js';
import { destinationRecord, type DestinationCondition, type LastResponse } from './destination-record.js';
import type { RecursionGuard } from './recursion-guard.js';
import { functionErrorDelay, throttleDelay, type RetryPolicy } from './retry-policy.js';

export interface DispatcherOptions {
  readonly queue: EventQueue;
  readonly configs: EventInvokeConfigRepository;
  readonly resolver: FunctionResolver;
  readonly invoker: InvokeService;
  readonly clock: Clock;
  readonly policy: RetryPolicy;
  /** Identifies this node's leases. */
  readonly nodeId: string;
  /**
   * Single node (default): at start every lease is a crash's leftover and is taken back.
   * Cluster: other nodes' leases are live work; a dead node's leases expire instead.
   */
  readonly sharedQueue?: boolean;
  readonly concurrency: number;
  /** Makes the logs of finished invocations durable before their events are settled. */
  readonly flushLogs: () => Promise<void>;
  readonly onError: (err: unknown) => void;
  readonly pollIntervalMs?: number;
  /** Stops events whose chain went round too often (recursive loops through event sources). */
  readonly recursionGuard?: RecursionGuard;
  /** Destinations that are SQS queues or message brokers, and dead-letter queues (triggers/destinations/destination-targets.ts). */
  readonly queueTargets?: QueueTargets;
}

/** Delivery to SQS queues named by a destination or a function's DeadLetterConfig. */
export interface QueueTargets {
  isQueue(arn: string): boolean;
  /** Sends a destination record; failures are the implementation's to report. */
  sendRecord(queueArn: string, record: Buffer, sender: FunctionKey): Promise<void>;
  /** Sends a discarded event to its function's dead-letter queue, when it has one. */
  sendToDeadLetterQueue(event: AsyncEvent, reason: { readonly response: LastResponse | undefined; readonly lastError: string | undefined }): Promise<void>;
}

export type DispatcherState = 'idle' | 'running' | 'stopping' | 'stopped';

/** The first lease covers resolving the function; it is extended to its timeout then. */
const INITIAL_LEASE_MS = 60_000;
const LEASE_MARGIN_MS = 60_000;
const SETTLED_RETENTION_MS = 7 * 86_400_000;

/** The invocation record names the event source when it has a trigger of its own. */
function triggerOf(source: string): InvocationRecord['trigger'] {
  return source === 's3' || source === 'schedule' || source === 'queue' ? source : 'async';
}

type Outcome = { settlement: EventSettlement; destination?: { condition: DestinationCondition; response: LastResponse | undefined } };

export class AsyncDispatcher {
  readonly #o: DispatcherOptions;
  #state: DispatcherState = 'idle';
  #inFlight = 0;
  readonly #inFlightByFunction = new Map<string, number>();
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #pollAgain = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  get state(): DispatcherState {
    return this.#state;
  }

  /** Takes back leases a crash left behind (single node: all of them) and starts polling. */
  async start(): Promise<void> {
    const released = this.#o.sharedQueue === true ? 0 : await this.#o.queue.releaseAll(undefined);
    if (released > 0) this.#o.onError(new Error(`requeued ${released} async event(s) that were running when the platform last stopped`));
    await this.#o.queue.pruneSettled(this.#o.clock() - SETTLED_RETENTION_MS);
    this.#state = 'running';
    this.wake();
  }

  /** Polls now (an event was accepted, or capacity freed). */
  wake(): void {
    if (this.#state !== 'running') return;
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#polling = true;
    this.#poll()
      .catch(this.#o.onError)
      .finally(() => {
        this.#polling = false;
        if (this.#state !== 'running') return;
        if (this.#pollAgain) {
          this.#pollAgain = false;
          this.wake();
        } else {
          this.#timer = setTimeout(() => this.wake(), this.#o.pollIntervalMs ?? 100);
          this.#timer.unref();
        }
      });
  }

  /** Stops leasing, waits for running deliveries, and gives back anything still leased. */
  async dispose(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    this.#state = 'stopping';
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running]);
    await this.#o.queue.releaseAll(this.#o.nodeId);
    this.#state = 'stopped';
  }

  async #poll(): Promise<void> {
    const free = this.#o.concurrency - this.#inFlight;
    if (free <= 0) return;
    const events = await this.#o.queue.lease(this.#o.nodeId, this.#o.clock(), INITIAL_LEASE_MS, free, Math.max(1, Math.ceil(free / 2)));
    for (const event of events) {
      const functionId = `${event.account}/${event.region}/${event.name}`;
      this.#inFlight++;
      this.#inFlightByFunction.set(functionId, (this.#inFlightByFunction.get(functionId) ?? 0) + 1);
      const delivery = this.#deliver(event)
        .catch(this.#o.onError)
        .finally(() => {
          this.#inFlight--;
          const left = (this.#inFlightByFunction.get(functionId) ?? 1) - 1;
          if (left === 0) this.#inFlightByFunction.delete(functionId);
          else this.#inFlightByFunction.set(functionId, left);
          this.#running.delete(delivery);
          this.wake();
        });
      this.#running.add(delivery);
    }
    if (events.length === free) this.#pollAgain = true;
  }

  async #deliver(event: AsyncEvent): Promise<void> {
    // One read of the config serves both the retry rules and the destination.
    const config = await this.#o.configs.get(event, event.qualifier ?? '$LATEST');
    const outcome = await this.#attempt(event, config);
    const now = this.#o.clock();
    const followUps: AsyncEvent[] = [];
    if (outcome.destination) {
      const { condition, response } = outcome.destination;
      const target = condition === 'Success' ? config?.destinations.onSuccess : config?.destinations.onFailure;
      const record = (): Buffer => destinationRecord(event, condition, response, now);
      const queues = this.#o.queueTargets;
      if (target !== undefined && queues?.isQueue(target)) {
        await queues.sendRecord(target, record(), event); // before settling: a crash sends it again rather than losing it
      } else if (target !== undefined) {
        const ref = parseFunctionRef(target, 'Destination');
        const key: FunctionKey = { account: ref.account ?? event.account, region: ref.region ?? event.region, name: ref.name };
        followUps.push(newAsyncEvent({
          key, qualifier: ref.qualifier, payload: record(), source: 'destination', traceHeader: event.traceHeader,
        }, now));
      }
      if (condition !== 'Success' && outcome.settlement.kind === 'failed') {
        await queues?.sendToDeadLetterQueue(event, { response, lastError: outcome.settlement.lastError });
      }
    }
    if (outcome.settlement.kind !== 'retry') await this.#o.flushLogs();
    const settled = await this.#o.queue.settle(event.id, this.#o.nodeId, now, outcome.settlement, followUps);
    if (!settled) this.#o.onError(new Error(`async event ${event.id}: lease lost before it was settled; it will be delivered again`));
    if (followUps.length > 0) this.wake();
  }

  async #attempt(event: AsyncEvent, config: EventInvokeConfig | undefined): Promise<Outcome> {
    const now = this.#o.clock();
    const maxAgeMs = (config?.maximumEventAgeInSeconds ?? this.#o.policy.defaultMaximumEventAgeSeconds) * 1000;
    const maxRetries = config?.maximumRetryAttempts ?? this.#o.policy.defaultMaximumRetryAttempts;
    const expired = (reason: string): Outcome => ({
      settlement: { kind: 'failed', lastError: `EventAgeExceeded: ${reason}` },
      destination: { condition: 'EventAgeExceeded', response: undefined },
    });
    if (now - event.createdAt > maxAgeMs) return expired(`older than ${maxAgeMs / 1000} s`);

    let fn;
    try {
      fn = await this.#o.resolver.resolve(event, event.qualifier);
    } catch (err) {
      return this.#platformRetry(event, err, maxAgeMs, expired);
    }
    const timeoutSec = fn.spec.timeoutSec;
    if (fn.record.reservedConcurrency === 0) {
      // Lambda sends events of a function with reserved concurrency 0 straight to failure handling.
      return { settlement: { kind: 'failed', lastError: 'ZeroReservedConcurrency' }, destination: { condition: 'ZeroReservedConcurrency', response: undefined } };
    }
    const guard = this.#o.recursionGuard;
    if (guard?.exceeded(event) !== undefined) {
      await guard.report(event, { logGroup: fn.spec.logGroup, version: fn.executedVersion }, config?.destinations.onFailure !== undefined);
      return {
        settlement: { kind: 'failed', lastError: `RecursiveInvocationException: recursive loop stopped after ${guard.limit} invocations in one chain` },
        destination: { condition: 'RecursiveInvocationException', response: undefined },
      };
    }
    await this.#o.queue.extend(event.id, this.#o.nodeId, now + timeoutSec * 1000 + LEASE_MARGIN_MS);
    let response;
    try {
      response = await this.#o.invoker.invoke({
        key: event, qualifier: event.qualifier, requestId: event.id, payload: event.payload, trigger: triggerOf(event.source), wantLogTail: false,
        traceId: event.traceHeader, resolved: fn, // an alias routes each attempt once, and the lease above fits that version's timeout
      });
    } catch (err) {
      return this.#platformRetry(event, err, maxAgeMs, expired);
    }
    const last: LastResponse = { executedVersion: response.executedVersion, functionError: response.functionError, payload: response.payload };
    if (response.functionError === undefined) {
      return { settlement: { kind: 'succeeded' }, destination: { condition: 'Success', response: last } };
    }
    const failedAttempts = event.attempts + 1;
    const errorText = `${response.functionError}: ${response.payload.toString('utf8').slice(0, 500)}`;
    if (failedAttempts > maxRetries) {
      return { settlement: { kind: 'failed', lastError: errorText }, destination: { condition: 'RetriesExhausted', response: last } };
    }
    const notBefore = this.#o.clock() + functionErrorDelay(this.#o.policy, failedAttempts);
    if (notBefore - event.createdAt > maxAgeMs) {
      return { settlement: { kind: 'failed', lastError: errorText }, destination: { condition: 'EventAgeExceeded', response: last } };
    }
    return { settlement: { kind: 'retry', notBefore, countsAsAttempt: true, lastError: errorText } };
  }

  /** Throttles and platform errors: back to the queue until the event is too old. */
  #platformRetry(event: AsyncEvent, err: unknown, maxAgeMs: number, expired: (reason: string) => Outcome): Outcome {
    if (err instanceof NimbusError && err.code === 'ResourceNotFoundException') {
      return { settlement: { kind: 'failed', lastError: `${err.code}: ${err.message}` } };
    }
    const now = this.#o.clock();
    // While this node runs the function's events, a throttled one retries as soon as one
    // finishes (the wake-up on completion); otherwise it backs off exponentially.
    const functionId = `${event.account}/${event.region}/${event.name}`;
    const busyHere = (this.#inFlightByFunction.get(functionId) ?? 0) > 1;
    const delay = busyHere ? 50 + Math.random() * 200 : throttleDelay(this.#o.policy, event.tries);
    const label = err instanceof NimbusError ? `${err.code}: ${err.message}${err.extra.Reason ? ` (${String(err.extra.Reason)})` : ''}` : String(err);
    if (now + delay - event.createdAt > maxAgeMs) return expired(`still failing to run at max age: ${label}`);
    return { settlement: { kind: 'retry', notBefore: now + delay, countsAsAttempt: false, lastError: label } };
  }
}
