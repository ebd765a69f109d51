// Shape checks for template values: each mismatch is a problem naming where it is.
import type { Problems } from './app-error.js';

export function record(value: unknown, where: string, problems: Problems): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.add(`${where} must be a mapping, got ${JSON.stringify(value)}`);
  return {};
}

export function optionalString(value: unknown, where: string, problems: Problems): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  problems.add(`${where} must be a string, got ${JSON.stringify(value)}`);
  return undefined;
}

/** YAML and parameters give numbers as strings too ('128'), which CloudFormation accepts. */
export function optionalNumber(value: unknown, where: string, problems: Problems): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  problems.add(`${where} must be a number, got ${JSON.stringify(value)}`);
  return undefined;
}

export function stringList(value: unknown, where: string, problems: Problems): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (items.every((i) => typeof i === 'string')) return items;
  problems.add(`${where} must be a string or a list of strings`);
  return [];
}
