// Trigger specs shared by the SAM and serverless.yml readers: each builds the same keyed
// entries, so both files deploy the same way.
import type { MappingSpec, NotificationSpec, RouteSpec, ScheduleSpec } from './app-model.js';
import type { Problems } from './app-error.js';

export interface Triggers {
  readonly routes: Record<string, RouteSpec>;
  readonly notifications: Record<string, NotificationSpec>;
  readonly mappings: Record<string, MappingSpec>;
  readonly schedules: Record<string, ScheduleSpec>;
}

export const emptyTriggers = (): Triggers => ({ routes: {}, notifications: {}, mappings: {}, schedules: {} });

const SCHEDULE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

export function addRoute(t: Triggers, method: string | undefined, routePath: string | undefined, fn: string, qualifier: string | undefined, where: string, problems: Problems): void {
  const routeKey = method === undefined && routePath === undefined ? '$default' : `${(method ?? 'ANY').toUpperCase() === 'ANY' || method === '*' ? 'ANY' : (method ?? '').toUpperCase()} ${routePath ?? '/'}`;
  if (t.routes[routeKey] !== undefined) problems.add(`${where}: route ${routeKey} is already taken by ${t.routes[routeKey].function}`);
  t.routes[routeKey] = { routeKey, function: fn, ...(qualifier ? { qualifier } : {}) };
}

export function addNotification(t: Triggers, spec: NotificationSpec): void {
  t.notifications[`${spec.bucket}|${spec.function}|${spec.events.join(',')}|${spec.prefix ?? ''}|${spec.suffix ?? ''}`] = spec;
}

export function addMapping(t: Triggers, spec: MappingSpec, where: string, problems: Problems): void {
  const key = `${spec.function}|${spec.queue}`;
  if (t.mappings[key] !== undefined) problems.add(`${where}: ${spec.function} already has a mapping from ${spec.queue}`);
  t.mappings[key] = spec;
}

export function addSchedule(t: Triggers, spec: ScheduleSpec, where: string, problems: Problems): void {
  if (!SCHEDULE_NAME.test(spec.name)) problems.add(`${where}: schedule name '${spec.name}' must be 1 to 64 letters, digits, '.', '-' or '_' (set Name)`);
  if (t.schedules[spec.name] !== undefined) problems.add(`${where}: schedule name '${spec.name}' is used twice`);
  t.schedules[spec.name] = spec;
}

/** `rule.Name` prefix/suffix pairs as S3's Filter.S3Key.Rules lists them (both SAM and serverless.yml). */
export function keyFilter(rules: unknown): { prefix?: string; suffix?: string } {
  const out: { prefix?: string; suffix?: string } = {};
  for (const rule of Array.isArray(rules) ? (rules as Record<string, unknown>[]) : []) {
    const raw = rule.Name ?? rule.name;
    const name = typeof raw === 'string' ? raw.toLowerCase() : '';
    const value = rule.Value ?? rule.value;
    if ((name === 'prefix' || name === 'suffix') && typeof value === 'string') out[name] = value;
    for (const key of ['prefix', 'suffix'] as const) if (typeof rule[key] === 'string') out[key] = rule[key];
  }
  return out;
}
