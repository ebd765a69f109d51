// The record a batch becomes when it exhausted its retries: sent to the mapping's OnFailure
// destination (an SQS queue) in the shape of Lambda's stream OnFailure record
// (requestContext, responseContext, version, timestamp, the source's batch info). Lambda
// sends only the batch's position for Kinesis and DynamoDB, since the records stay in the
// stream; a broker's records are gone once acknowledged, so the records travel along.
import type { BrokerMappingRecord } from '../../store/broker-mapping-ports.js';
import { functionArn } from '../../util/arn.js';
import type { SourceRecord } from './source-plugin.js';

/** How the last attempt ended: the function failed (with its response), or the platform could not run it. */
export interface LastAttempt {
  readonly requestId: string;
  readonly executedVersion: string | undefined;
  readonly functionError: string | undefined;
  readonly invokeCount: number;
}

export function failureRecord(mapping: BrokerMappingRecord, records: readonly SourceRecord[], last: LastAttempt, now: number): Record<string, unknown> {
  const stamps = records.map((r) => r.timestamp).filter((t): t is number => t !== undefined);
  return {
    requestContext: {
      requestId: last.requestId,
      functionArn: functionArn(mapping.region, mapping.account, mapping.functionName, mapping.qualifier),
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: last.invokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: last.executedVersion ?? '$LATEST', functionError: last.functionError ?? 'Unhandled' },
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    sourceBatchInfo: {
      kind: mapping.kind,
      eventSourceMappingUUID: mapping.uuid,
      batchSize: records.length,
      firstRecordId: records[0]?.id,
      lastRecordId: records[records.length - 1]?.id,
      approximateArrivalOfFirstRecord: stamps.length === 0 ? undefined : new Date(Math.min(...stamps)).toISOString(),
      approximateArrivalOfLastRecord: stamps.length === 0 ? undefined : new Date(Math.max(...stamps)).toISOString(),
    },
    records: records.map((r) => ({ id: r.id, orderKey: r.orderKey, timestamp: r.timestamp, payload: r.payload })),
  };
}
