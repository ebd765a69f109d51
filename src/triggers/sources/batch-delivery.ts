// Delivers one batch of a broker mapping: invokes the function synchronously through the
// ordinary invoke path (trigger 'source', so logs, metrics and usage see it), acknowledges
// the records once it succeeded, and on a function error retries — splitting the batch in
// halves first when BisectBatchOnFunctionError is set (a split does not count as a retry,
// as on Lambda) — up to MaximumRetryAttempts (-1: forever), then sends Lambda's OnFailure
// record to the SQS destination and acknowledges. Halves run one after another, so records
// keep their order; a failed record that went to the destination is skipped, as on Lambda.
// A missing function, a throttle or a platform error releases what is left (it is read
// again) and tells the poller to pause.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NimbusError } from '../../errors.js';
import type { InvokeRequest, InvokeResponse } from '../../invoke/invoke-service.js';
import type { BrokerMappingRecord } from '../../store/broker-mapping-ports.js';
import type { Clock } from '../../util/time.js';
import { PAYLOAD_LIMIT_BYTES } from '../sqs/batch-collector.js';
import { failureRecord } from './failure-record.js';
import type { SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';

/** 'ok': every record was acknowledged (some perhaps after the failure destination); the rest: paused, unsettled records released. */
export type DeliveryOutcome = 'ok' | 'throttled' | 'not-found' | 'platform-error' | 'stopped';

export interface BatchDeliveryDeps {
  readonly invoke: (request: InvokeRequest) => Promise<InvokeResponse>;
  /** Sends a message to an SQS queue of the platform by ARN; throws when it cannot. */
  readonly sendToQueue: (queueArn: string, body: string) => Promise<void>;
  readonly clock: Clock;
  /** Wait before retry `attempt` (1-based) of a failed batch. */
  readonly retryDelayMs: (attempt: number) => number;
  /** LastProcessingResult and the last error, after every invocation. */
  readonly report: (result: string, error: string | undefined) => void;
}

export interface DeliveryTarget {
  readonly mapping: BrokerMappingRecord;
  readonly plugin: SourcePlugin;
  readonly config: unknown;
  readonly reader: SourceReader;
  readonly signal: AbortSignal;
}

type Attempt =
  | { readonly kind: 'ok' }
  | { readonly kind: 'function-error'; readonly response: InvokeResponse; readonly requestId: string }
  | { readonly kind: 'throttled' | 'not-found' | 'platform-error'; readonly error: string };

export const RESULT = {
  ok: 'OK',
  functionError: 'PROBLEM: Function call failed.',
  throttled: 'PROBLEM: Function call throttled.',
  notFound: 'PROBLEM: Function not found.',
  platformError: 'PROBLEM: Internal error.',
  destination: 'PROBLEM: Failure destination unreachable.',
  source: 'PROBLEM: Connection error.',
  config: 'PROBLEM: Invalid source configuration.',
} as const;

function errorText(response: InvokeResponse): string {
  const text = response.payload.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return `${typeof parsed.errorType === 'string' ? parsed.errorType : 'Error'}: ${parsed.errorMessage}`;
  } catch {
    // not JSON: the raw text below
  }
  return `${response.functionError ?? 'Unhandled'}: ${text.slice(0, 512)}`;
}

export async function deliverBatch(deps: BatchDeliveryDeps, target: DeliveryTarget, records: readonly SourceRecord[]): Promise<DeliveryOutcome> {
  const { mapping, plugin, config, reader, signal } = target;

  const invoke = async (payload: Buffer): Promise<Attempt> => {
    const requestId = randomUUID();
    try {
      const response = await deps.invoke({ key: { account: mapping.account, region: mapping.region, name: mapping.functionName }, qualifier: mapping.qualifier, requestId, payload, trigger: 'source', wantLogTail: false });
      return response.functionError === undefined ? { kind: 'ok' } : { kind: 'function-error', response, requestId };
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (err instanceof NimbusError && err.code === 'TooManyRequestsException') return { kind: 'throttled', error: message };
      if (err instanceof NimbusError && err.code === 'ResourceNotFoundException') return { kind: 'not-found', error: message };
      return { kind: 'platform-error', error: message };
    }
  };

  const toDestination = async (batch: readonly SourceRecord[], last: Extract<Attempt, { kind: 'function-error' }>, invokeCount: number): Promise<void> => {
    const destination = mapping.onFailureDestination;
    if (destination === undefined) return; // Lambda drops the batch when there is no destination
    const record = failureRecord(mapping, batch, {
      requestId: last.requestId, executedVersion: last.response.executedVersion, functionError: last.response.functionError, invokeCount,
    }, deps.clock());
    try {
      await deps.sendToQueue(destination, JSON.stringify(record));
    } catch (err) {
      // The queue is gone or the record too large: the batch is dropped (it would block the mapping forever), and said so.
      deps.report(RESULT.destination, `could not send ${batch.length} failed record(s) to ${destination}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const process = async (batch: readonly SourceRecord[]): Promise<DeliveryOutcome> => {
    let failures = 0;
    for (;;) {
      if (signal.aborted) {
        await reader.release(batch);
        return 'stopped';
      }
      const payload = Buffer.from(JSON.stringify(plugin.event(batch, config)));
      if (payload.length > PAYLOAD_LIMIT_BYTES && batch.length > 1) return halves(batch);
      const attempt = await invoke(payload);
      if (attempt.kind === 'ok') {
        deps.report(RESULT.ok, undefined);
        await reader.ack(batch);
        return 'ok';
      }
      if (attempt.kind !== 'function-error') {
        deps.report(attempt.kind === 'throttled' ? RESULT.throttled : attempt.kind === 'not-found' ? RESULT.notFound : RESULT.platformError, attempt.error);
        await reader.release(batch);
        return attempt.kind;
      }
      failures += 1;
      deps.report(RESULT.functionError, errorText(attempt.response));
      if (mapping.bisectBatchOnFunctionError && batch.length > 1) return halves(batch);
      if (mapping.maximumRetryAttempts !== -1 && failures > mapping.maximumRetryAttempts) {
        await toDestination(batch, attempt, failures);
        await reader.ack(batch);
        return 'ok';
      }
      await sleep(deps.retryDelayMs(failures), undefined, { signal }).catch(() => undefined);
    }
  };

  /** The two halves in order; when the first pauses, the second is released untouched. */
  const halves = async (batch: readonly SourceRecord[]): Promise<DeliveryOutcome> => {
    const middle = Math.ceil(batch.length / 2);
    const first = await process(batch.slice(0, middle));
    if (first !== 'ok') {
      await reader.release(batch.slice(middle));
      return first;
    }
    return process(batch.slice(middle));
  };

  return process(records);
}
