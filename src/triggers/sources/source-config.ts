// Checks a source plugin's settings against a zod schema and turns the first problem into
// Lambda's InvalidParameterValueException naming the field as the user spelled it
// (`queue: is required`, `topics.1: is invalid (…)`), as SourcePlugin.parseConfig promises.
import type { z } from 'zod';
import { invalidParameter } from '../../errors.js';

export function parseSourceConfig<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  // reportInput: zod 4 leaves the offending value out of issues unless asked.
  const result = schema.safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'config';
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  throw invalidParameter(field, missing ? 'is required' : `is invalid (${issue?.message ?? 'bad value'})`);
}
