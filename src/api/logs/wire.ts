// Request bodies of the Logs operations Nimbus serves, as zod schemas of their wire shape
// (members as in the CloudWatch Logs model, 2014-03-28). Unknown members are ignored,
// as the service ignores members newer SDKs may send; null counts as absent.
import { z } from 'zod';
import { LogsError, constraintViolation, invalidParameter } from './errors.js';

const long = z.number().int();

export const filterLogEventsBody = z.object({
  logGroupName: z.string().optional(),
  logGroupIdentifier: z.string().optional(),
  logStreamNames: z.array(z.string()).optional(),
  logStreamNamePrefix: z.string().optional(),
  startTime: long.optional(),
  endTime: long.optional(),
  filterPattern: z.string().optional(),
  nextToken: z.string().optional(),
  limit: long.optional(),
  interleaved: z.boolean().optional(),
  unmask: z.boolean().optional(),
});

export const getLogEventsBody = z.object({
  logGroupName: z.string().optional(),
  logGroupIdentifier: z.string().optional(),
  logStreamName: z.string(),
  startTime: long.optional(),
  endTime: long.optional(),
  nextToken: z.string().optional(),
  limit: long.optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});

export const describeLogGroupsBody = z.object({
  logGroupNamePrefix: z.string().optional(),
  logGroupNamePattern: z.string().optional(),
  nextToken: z.string().optional(),
  limit: long.optional(),
});

export const describeLogStreamsBody = z.object({
  logGroupName: z.string().optional(),
  logGroupIdentifier: z.string().optional(),
  logStreamNamePrefix: z.string().optional(),
  orderBy: z.string().optional(),
  descending: z.boolean().optional(),
  nextToken: z.string().optional(),
  limit: long.optional(),
});

/**
 * Parses an awsJson1_1 body. Bad JSON or a member of the wrong type is a
 * SerializationException; a missing required member an InvalidParameterException.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: Buffer): z.output<T> {
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new LogsError('SerializationException', `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new LogsError('SerializationException', 'The request body must be a JSON object.');
  const present = Object.fromEntries(Object.entries(json).filter(([, v]) => v !== null));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  // zod 4 leaves `input` out of issues; look the member up to tell missing from mistyped.
  const value = issue?.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], present);
  if (issue?.code === 'invalid_type' && value === undefined) {
    throw constraintViolation(field, 'null', 'Member must not be null');
  }
  throw new LogsError('SerializationException', `${field}: ${issue?.message ?? 'has the wrong type'}`);
}

/** `limit`: absent gives the default; out of range is the model's constraint error. */
export function limitOf(value: number | undefined, max: number, fallback = max): number {
  if (value === undefined) return fallback;
  if (value < 1) throw constraintViolation('limit', value, 'Member must have value greater than or equal to 1');
  if (value > max) throw constraintViolation('limit', value, `Member must have value less than or equal to ${max}`);
  return value;
}

/** Epoch-ms times are longs ≥ 0 in the model. */
export function timeOf(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && value < 0) throw constraintViolation(field, value, 'Member must have value greater than or equal to 0');
  return value;
}

export function checkLength(field: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min) throw constraintViolation(field, value, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw constraintViolation(field, value, `Member must have length less than or equal to ${max}`);
}

export function exclusive(a: string, aValue: unknown, b: string, bValue: unknown): void {
  if (aValue !== undefined && bValue !== undefined) throw invalidParameter(`${a} and ${b} are mutually exclusive; give one of them.`);
}
