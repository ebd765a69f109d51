// The record an async invocation's destination receives (lambda-reference §7.1).
import type { AsyncEvent } from '../../store/records.js';
import { functionArn } from '../../util/arn.js';

/** `RecursiveInvocationException`: Nimbus's label for an event the recursion guard stopped (AWS documents no record for it). */
export type DestinationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency' | 'RecursiveInvocationException';

export interface LastResponse {
  readonly executedVersion: string;
  readonly functionError: string | undefined;
  readonly payload: Buffer;
}

/** Payloads are embedded as JSON, not strings; a payload that is not JSON stays a string. */
function embed(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function destinationRecord(event: AsyncEvent, condition: DestinationCondition, response: LastResponse | undefined, now: number): Buffer {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    requestContext: {
      requestId: event.id,
      functionArn: functionArn(event.region, event.account, event.name, event.qualifier ?? '$LATEST'),
      condition,
      approximateInvokeCount: event.tries,
    },
    requestPayload: embed(event.payload),
  };
  if (response) {
    record.responseContext = {
      statusCode: 200,
      executedVersion: response.executedVersion,
      ...(response.functionError ? { functionError: response.functionError } : {}),
    };
    record.responsePayload = embed(response.payload);
  }
  return Buffer.from(JSON.stringify(record));
}
