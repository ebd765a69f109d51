// Parses a JSON document against a zod schema; an error names the member at fault the way
// the document spells it (`Records[0].s3.object.key: is required`).
import type { z } from 'zod';
import { NimbusError } from '../../../errors.js';

export function parseDocument<T extends z.ZodType>(schema: T, json: unknown): z.output<T> {
  const result = schema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = (issue?.path ?? []).map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || 'body';
  const why = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'is invalid');
  throw new NimbusError('InvalidParameterValueException', `${field}: ${why}`);
}

export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new NimbusError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
}
