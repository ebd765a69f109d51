// Carries out a plan in dependency order: buckets and queues, then functions, then the
// triggers that point at them; removals go the other way (triggers first). The applied
// state is saved only after every step succeeded, so a failed deploy is planned again.
import type { AppModel, DeployContext, FunctionSpec } from './app-model.js';
import type { Change, Plan } from './plan.js';
import type { AppPlatform } from './platform.js';
import { putFunction, removeFunction } from './function-apply.js';
import {
  putBucket, putBucketNotifications, putMapping, putQueue, putRoute, putSchedule, removeBucket, removeMapping, removeQueue, removeRoute, removeSchedule,
} from './resource-apply.js';
import { saveAppliedState } from './state-store.js';

const PUT_ORDER = ['buckets', 'queues', 'functions', 'routes', 'mappings', 'schedules'] as const;
const REMOVE_ORDER = ['schedules', 'mappings', 'routes', 'functions', 'queues', 'buckets'] as const;

export interface ApplyInput {
  readonly platform: AppPlatform;
  readonly ctx: DeployContext;
  readonly plan: Plan;
  readonly previous: AppModel | undefined;
  readonly desired: AppModel;
  /** The zipped code of each function to create or update. */
  readonly zips: ReadonlyMap<string, Buffer>;
  readonly progress?: (line: string) => void;
}

export class ApplyError extends Error {
  constructor(readonly change: Change, cause: unknown) {
    super(`${change.action} ${change.kind.replace(/s$/, '')} ${change.key} failed: ${(cause as Error).name}: ${(cause as Error).message}`, { cause });
    this.name = 'ApplyError';
  }
}

/** `run` may answer a line of its own for the progress, when what happened differs from the plan. */
async function step(change: Change, input: ApplyInput, run: () => Promise<string | undefined | void>): Promise<void> {
  try {
    const said = await run();
    input.progress?.(said ?? `${change.action}d ${change.kind.replace(/s$/, '')} ${change.key}`);
  } catch (err) {
    throw new ApplyError(change, err);
  }
}

async function put(change: Change, input: ApplyInput): Promise<void> {
  const { platform, desired, previous } = input;
  const key = change.key;
  switch (change.kind) {
    case 'buckets': return putBucket(platform, key);
    case 'queues': return putQueue(platform, desired.queues[key] as AppModel['queues'][string], change.action === 'update');
    case 'functions': return putFunction(platform, desired.functions[key] as FunctionSpec, previous?.functions[key], input.zips.get(key) ?? Buffer.alloc(0));
    case 'routes': return putRoute(platform, desired.routes[key] as AppModel['routes'][string]);
    case 'mappings': return putMapping(platform, desired.mappings[key] as AppModel['mappings'][string]);
    case 'schedules': return putSchedule(platform, desired.schedules[key] as AppModel['schedules'][string]);
    case 'notifications': return;
  }
}

async function remove(change: Change, input: ApplyInput): Promise<string | undefined | void> {
  const { platform, previous } = input;
  const key = change.key;
  switch (change.kind) {
    case 'schedules': return removeSchedule(platform, key);
    case 'mappings': {
      const m = previous?.mappings[key];
      return m === undefined ? undefined : removeMapping(platform, m.function, m.queue);
    }
    case 'routes': return removeRoute(platform, key);
    case 'functions': return removeFunction(platform, key);
    case 'queues': return removeQueue(platform, key);
    case 'buckets': return removeBucket(platform, key);
    case 'notifications': return;
  }
}

/** Buckets whose notification set changed, with what they were and are now. */
function touchedBuckets(input: ApplyInput): string[] {
  const buckets = new Set<string>();
  for (const c of input.plan.changes) {
    if (c.kind !== 'notifications') continue;
    const spec = input.desired.notifications[c.key] ?? input.previous?.notifications[c.key];
    if (spec !== undefined) buckets.add(spec.bucket);
  }
  return [...buckets];
}

export async function applyPlan(input: ApplyInput): Promise<void> {
  const { changes } = input.plan;
  for (const kind of PUT_ORDER) {
    for (const change of changes.filter((c) => c.kind === kind && c.action !== 'delete')) await step(change, input, () => put(change, input));
    if (kind === 'functions') {
      // Notifications need their functions; a bucket losing its last one is cleared here, before functions go.
      for (const bucket of touchedBuckets(input)) {
        await step({ action: 'update', kind: 'notifications', key: bucket }, input, () => putBucketNotifications(input.platform, input.ctx, bucket, input.desired));
      }
    }
  }
  for (const kind of REMOVE_ORDER) {
    for (const change of changes.filter((c) => c.kind === kind && c.action === 'delete')) await step(change, input, () => remove(change, input));
  }
  await saveAppliedState(input.platform, input.desired);
}
