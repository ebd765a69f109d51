// What CreateEventSourceMapping and UpdateEventSourceMapping may say for an SQS source,
// checked field by field (lambda-reference §1.6; Lambda's limits for SQS). Errors are
// InvalidParameterValueException naming the field, or Lambda's own text where it is known.
import { NimbusError, invalidParameter } from '../../errors.js';
import type { MappingSettings } from '../../store/esm-ports.js';
import type { FunctionKey, Scope } from '../../store/records.js';
import { parseFunctionRef } from '../../util/arn.js';

/** The request members, as the API layer parsed them; undefined = not given. */
export interface MappingInput {
  readonly eventSourceArn?: string | undefined;
  /** Name, partial or full ARN, optionally with a version or alias. */
  readonly functionName?: string | undefined;
  readonly batchSize?: number | undefined;
  readonly maximumBatchingWindowSeconds?: number | undefined;
  readonly functionResponseTypes?: readonly string[] | undefined;
  /** `ScalingConfig` given: its MaximumConcurrency, or null for `{}` (no cap). */
  readonly maximumConcurrency?: number | null | undefined;
  readonly enabled?: boolean | undefined;
  /** Members that exist for other event sources (streams, Kafka, MQ) and were given. */
  readonly otherSourceMembers?: readonly string[] | undefined;
}

export const SQS_DEFAULT_BATCH_SIZE = 10;
const LIMITS = { batchSize: 10_000, fifoBatchSize: 10, window: 300, concurrency: [2, 1000] } as const;
const REPORT_BATCH_ITEM_FAILURES = 'ReportBatchItemFailures';

function integer(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParameter(field, `must be an integer from ${min} to ${max} (got ${value})`);
  return value;
}

/** The function a FunctionName names, in the mapping's scope. */
export function functionTarget(scope: Scope, functionName: string | undefined): { key: FunctionKey; qualifier: string | undefined } {
  if (functionName === undefined) throw invalidParameter('FunctionName', 'is required');
  const ref = parseFunctionRef(functionName, 'FunctionName');
  if (ref.region !== undefined && ref.region !== scope.region) {
    throw new NimbusError('ResourceNotFoundException', `Functions from '${ref.region}' are not reachable in this region ('${scope.region}')`);
  }
  if (ref.account !== undefined && ref.account !== scope.account) {
    throw invalidParameter('FunctionName', `'${functionName}' is in account ${ref.account}; a mapping invokes functions of its own account (${scope.account})`);
  }
  return { key: { ...scope, name: ref.name }, qualifier: ref.qualifier };
}

/** Members of other source types are refused rather than ignored, so a mapping never silently behaves otherwise than asked. */
export function refuseOtherSourceMembers(input: MappingInput): void {
  const [member] = input.otherSourceMembers ?? [];
  if (member === 'FilterCriteria') throw invalidParameter('FilterCriteria', 'event filtering is not supported by this platform yet; filter in the function');
  if (member !== undefined) throw invalidParameter(member, 'is not supported for an SQS event source');
}

/**
 * Applies `input` over `base` (or the defaults on create) and checks every rule, including
 * those across fields: a batch above 10 needs a batching window; a FIFO queue takes at most
 * 10 messages a batch and no window.
 */
export function resolveSettings(input: MappingInput, base: MappingSettings | undefined, target: { functionName: string; qualifier: string | undefined }, fifo: boolean): MappingSettings {
  refuseOtherSourceMembers(input);
  const batchSize = integer('BatchSize', input.batchSize ?? base?.batchSize ?? SQS_DEFAULT_BATCH_SIZE, 1, fifo ? LIMITS.fifoBatchSize : LIMITS.batchSize);
  const window = integer('MaximumBatchingWindowInSeconds', input.maximumBatchingWindowSeconds ?? base?.maximumBatchingWindowSeconds ?? 0, 0, LIMITS.window);
  if (fifo && window > 0) throw invalidParameter('MaximumBatchingWindowInSeconds', 'Batching window is not supported for FIFO queues');
  if (batchSize > 10 && window < 1) {
    throw new NimbusError('InvalidParameterValueException', 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  const types = input.functionResponseTypes;
  if (types !== undefined && types.some((t) => t !== REPORT_BATCH_ITEM_FAILURES)) {
    throw invalidParameter('FunctionResponseTypes', `must be [] or ["${REPORT_BATCH_ITEM_FAILURES}"] (got ${JSON.stringify(types)})`);
  }
  const given = input.maximumConcurrency;
  const maximumConcurrency = given === null ? undefined
    : given !== undefined ? integer('ScalingConfig.MaximumConcurrency', given, ...LIMITS.concurrency) : base?.maximumConcurrency;
  return {
    functionName: target.functionName, qualifier: target.qualifier, batchSize, maximumBatchingWindowSeconds: window,
    reportBatchItemFailures: types !== undefined ? types.length > 0 : (base?.reportBatchItemFailures ?? false),
    maximumConcurrency, enabled: input.enabled ?? base?.enabled ?? true,
  };
}
