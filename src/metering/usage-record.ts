// An invocation event as metering keeps it. Billed duration comes from the invoke path
// (the REPORT line's, INIT included on cold starts); throttled calls bill nothing.
import type { InvocationRecord } from '../invoke/invocation-events.js';
import type { UsageRecord } from '../store/usage-ports.js';

export function usageRecordOf(record: InvocationRecord): UsageRecord {
  return {
    account: record.key.account, region: record.key.region, function: record.key.name, requestId: record.requestId,
    version: record.version, qualifier: record.qualifier, trigger: record.trigger, architecture: record.architecture,
    startedAt: Math.floor(record.startedAt), durationMs: record.durationMs,
    billedMs: record.outcome === 'throttled' ? 0 : record.billedDurationMs, memoryMb: record.memorySizeMb,
    maxMemoryUsedMb: record.maxMemoryUsedMb, initDurationMs: record.initDurationMs, startType: record.startType,
    outcome: record.outcome, requestBytes: record.requestBytes, responseBytes: record.responseBytes,
  };
}
