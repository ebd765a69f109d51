// RedrivePolicy (a source queue's dead-letter queue) and RedriveAllowPolicy (which
// sources may use a queue as theirs): JSON documents carried in string attributes.
import { QueueError, invalidValue } from './errors.js';
import { parseQueueArn } from './names.js';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface RedriveAllowPolicy {
  readonly redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  readonly sourceQueueArns: readonly string[] | undefined;
}

function parseJsonObject(parameter: string, value: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidValue(parameter, value, `${parameter === 'RedrivePolicy' ? 'Redrive' : 'Redrive allow'} policy is not a valid JSON map.`);
  }
  return json as Record<string, unknown>;
}

/** Parses a RedrivePolicy value; maxReceiveCount may be a number or a numeric string, as SQS accepts. */
export function parseRedrivePolicy(value: string): RedrivePolicy {
  const json = parseJsonObject('RedrivePolicy', value);
  const arn = json.deadLetterTargetArn;
  if (typeof arn !== 'string' || parseQueueArn(arn) === undefined) throw invalidValue('RedrivePolicy', value, 'Invalid value for deadLetterTargetArn.');
  const raw = json.maxReceiveCount;
  const count = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidValue('RedrivePolicy', value, `Invalid value for maxReceiveCount: ${String(raw)}, valid values are from 1 to 1000 both inclusive.`);
  }
  for (const key of Object.keys(json)) {
    if (key !== 'deadLetterTargetArn' && key !== 'maxReceiveCount') throw invalidValue('RedrivePolicy', value, `Unknown key ${key}.`);
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

export function parseRedriveAllowPolicy(value: string): RedriveAllowPolicy {
  const json = parseJsonObject('RedriveAllowPolicy', value);
  const permission = json.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw invalidValue('RedriveAllowPolicy', value, 'Invalid value for redrivePermission: must be allowAll, denyAll or byQueue.');
  }
  const arns = json.sourceQueueArns;
  if (permission !== 'byQueue') {
    if (arns !== undefined) throw invalidValue('RedriveAllowPolicy', value, 'sourceQueueArns can be specified only when redrivePermission is byQueue.');
    return { redrivePermission: permission, sourceQueueArns: undefined };
  }
  if (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || arns.some((a) => typeof a !== 'string' || parseQueueArn(a) === undefined)) {
    throw invalidValue('RedriveAllowPolicy', value, 'byQueue needs sourceQueueArns: 1 to 10 queue ARNs.');
  }
  return { redrivePermission: permission, sourceQueueArns: arns as string[] };
}

export function normaliseRedriveAllowPolicy(value: string): string {
  const policy = parseRedriveAllowPolicy(value);
  return JSON.stringify(policy.sourceQueueArns ? policy : { redrivePermission: policy.redrivePermission });
}

/** Throws when the dead-letter queue's RedriveAllowPolicy refuses this source. */
export function checkRedriveAllowed(allowPolicy: string | undefined, sourceArn: string, redrivePolicy: string): void {
  if (!allowPolicy) return;
  const policy = parseRedriveAllowPolicy(allowPolicy);
  if (policy.redrivePermission === 'allowAll') return;
  if (policy.redrivePermission === 'byQueue' && policy.sourceQueueArns?.includes(sourceArn)) return;
  throw new QueueError('InvalidParameterValue', `Value ${redrivePolicy} for parameter RedrivePolicy is invalid. Reason: The dead-letter queue's RedriveAllowPolicy does not allow ${sourceArn} to use it.`);
}
