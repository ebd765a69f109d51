// What every SQS operation handler sees and returns, whichever protocol carried it:
// a validated input in the JSON protocol's member names, and an output in the same terms
// (absent members left undefined; the protocols drop them).
import type { QueueKey } from '../../store/queue-ports.js';
import type { Scope } from '../../store/records.js';
import { queueKeyOf } from './queue-url.js';
import { parseInput, type WireInput, type WireOperation } from './wire.js';

export interface SqsCall {
  readonly scope: Scope;
  /** `http://host:port` as the client addressed the platform: queue URLs are built on it. */
  readonly baseUrl: string;
  /** Reported as the SenderId of messages sent by this call. */
  readonly senderId: string;
}

export type SqsOutput = Record<string, unknown>;
export type SqsOperation = (input: unknown, call: SqsCall) => Promise<SqsOutput>;

/** Drops empty maps and lists, which SQS leaves out of its responses. */
export function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.length : Object.keys(value).length) > 0 ? value : undefined;
}

/** The operations whose input names a queue by QueueUrl. */
type QueueOperation = { [O in WireOperation]: WireInput<O> extends { QueueUrl: string } ? O : never }[WireOperation];

/** An operation on the queue its QueueUrl names: validates the input, resolves the URL, runs `body`. */
export function onQueue<K extends QueueOperation>(
  operation: K,
  body: (key: QueueKey, input: WireInput<K>, call: SqsCall) => Promise<SqsOutput | void>,
): SqsOperation {
  return async (raw, call) => {
    const input = parseInput(operation, raw);
    const output = await body(queueKeyOf(input.QueueUrl, call.scope), input, call);
    return output ?? {};
  };
}
