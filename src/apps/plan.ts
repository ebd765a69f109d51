// A deploy's plan: what differs between the app's last applied state and the template,
// resource by resource. Equal resources are left alone, so a repeated deploy plans nothing.
import { RESOURCE_KINDS, emptyModel, type AppModel, type ResourceKind } from './app-model.js';

export type ChangeAction = 'create' | 'update' | 'delete';

export interface Change {
  readonly action: ChangeAction;
  readonly kind: ResourceKind;
  readonly key: string;
  /** For updates: the fields that differ. */
  readonly fields?: readonly string[];
}

export interface Plan {
  readonly app: string;
  readonly changes: readonly Change[];
}

/** Sorted-key JSON, so two equal specs compare equal whatever order their fields came in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b))) : v);
}

function differingFields(before: object, after: object): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonical((before as Record<string, unknown>)[k]) !== canonical((after as Record<string, unknown>)[k])).sort();
}

/** `codeDir` is where code came from, not what runs: moving a project does not redeploy it. */
const IGNORED_FIELDS = new Set(['codeDir']);

export function planApp(previous: AppModel | undefined, desired: AppModel): Plan {
  const before = previous ?? emptyModel(desired.app);
  const changes: Change[] = [];
  for (const kind of RESOURCE_KINDS) {
    const old = before[kind] as Record<string, object>;
    const now = desired[kind] as Record<string, object>;
    for (const [key, spec] of Object.entries(now)) {
      const prior = old[key];
      if (prior === undefined) changes.push({ action: 'create', kind, key });
      else {
        const fields = differingFields(prior, spec).filter((f) => !IGNORED_FIELDS.has(f));
        if (fields.length > 0) changes.push({ action: 'update', kind, key, fields });
      }
    }
    for (const key of Object.keys(old)) if (now[key] === undefined) changes.push({ action: 'delete', kind, key });
  }
  return { app: desired.app, changes };
}

export function describeChange(c: Change): string {
  const sign = c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '~';
  return `${sign} ${c.action} ${c.kind.replace(/s$/, '')} ${c.key}${c.fields ? ` (${c.fields.join(', ')})` : ''}`;
}
