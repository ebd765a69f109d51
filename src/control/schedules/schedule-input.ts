// What a schedule may say, checked field by field (EventBridge Scheduler's limits where it
// has them). Errors are InvalidParameterValueException naming the field.
import { invalidParameter } from '../../errors.js';
import type { ScheduleKey, ScheduleState, ScheduleTarget } from '../../store/schedule-ports.js';
import type { Scope } from '../../store/records.js';
import { parseScheduleExpression, type ScheduleExpression } from '../../triggers/schedule/expression.js';
import { parseTimeZone } from '../../triggers/schedule/time-zone.js';
import { mergeQualifier, parseFunctionRef } from '../../util/arn.js';

/** A schedule as a client describes it. */
export interface ScheduleInput {
  readonly expression: string;
  /** IANA zone; UTC when absent. */
  readonly timezone?: string | undefined;
  /** ENABLED when absent. */
  readonly state?: ScheduleState | undefined;
  readonly description?: string | undefined;
  /** Function name or ARN (of the schedule's own account and region), optionally qualified. */
  readonly function: string;
  readonly qualifier?: string | undefined;
  /** Fixed JSON text to send instead of the scheduled event. */
  readonly input?: string | undefined;
}

export interface ValidSchedule {
  readonly expression: string;
  readonly parsed: ScheduleExpression;
  readonly timezone: string;
  readonly state: ScheduleState;
  readonly description: string;
  readonly target: ScheduleTarget;
}

const MAX_EXPRESSION = 256;
const MAX_DESCRIPTION = 512;
/** EventBridge's limit on a target's Input. */
export const MAX_INPUT = 8192;

export function validateScheduleName(name: string): void {
  if (!/^[0-9A-Za-z_.-]{1,64}$/.test(name)) {
    throw invalidParameter('name', `'${name}' must be 1 to 64 letters, digits, '.', '-' or '_'`);
  }
}

function validateTarget(scope: Scope, input: ScheduleInput): ScheduleTarget {
  const ref = parseFunctionRef(input.function, 'function');
  if ((ref.account !== undefined && ref.account !== scope.account) || (ref.region !== undefined && ref.region !== scope.region)) {
    throw invalidParameter('function', `'${input.function}' is in another account or region; a schedule targets functions of its own (${scope.account}, ${scope.region})`);
  }
  if (input.qualifier !== undefined && !/^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/.test(input.qualifier)) {
    throw invalidParameter('qualifier', `'${input.qualifier}' is not a version or alias name`);
  }
  const qualifier = mergeQualifier(ref.qualifier, input.qualifier);
  if (input.input !== undefined && Buffer.byteLength(input.input) > MAX_INPUT) {
    throw invalidParameter('input', `must be at most ${MAX_INPUT} bytes of JSON (got ${Buffer.byteLength(input.input)})`);
  }
  return { functionName: ref.name, qualifier, input: input.input };
}

export function validateSchedule(key: ScheduleKey, input: ScheduleInput): ValidSchedule {
  validateScheduleName(key.name);
  if (input.expression.length > MAX_EXPRESSION) throw invalidParameter('expression', `must be at most ${MAX_EXPRESSION} characters`);
  const description = input.description ?? '';
  if (description.length > MAX_DESCRIPTION) throw invalidParameter('description', `must be at most ${MAX_DESCRIPTION} characters (got ${description.length})`);
  return {
    expression: input.expression.trim(),
    parsed: parseScheduleExpression(input.expression),
    timezone: parseTimeZone(input.timezone ?? 'UTC'),
    state: input.state ?? 'ENABLED',
    description,
    target: validateTarget(key, input),
  };
}
