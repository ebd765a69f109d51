// A notification configuration as JSON — the document `aws s3api
// put-bucket-notification-configuration --notification-configuration` takes — parsed into
// LambdaNotifications. Used for the buckets of external stores (docs/s3-notifications.md);
// validated as S3 validates it, each error naming the member at fault.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { invalidParameter } from '../../errors.js';
import type { LambdaNotification } from '../../objects/object-events.js';
import type { Scope } from '../../store/records.js';
import { functionArn, parseFunctionRef } from '../../util/arn.js';
import { eventPatternProblem } from './event-names.js';
import { parseDocument } from './external/parse.js';

/** S3 allows 1,000 configurations per bucket; fewer keep a mistaken script cheap. */
const MAX_CONFIGURATIONS = 100;

const filterRule = z.strictObject({ Name: z.string(), Value: z.string() });
const lambdaConfiguration = z.strictObject({
  Id: z.string().min(1).max(255).optional(),
  LambdaFunctionArn: z.string(),
  Events: z.array(z.string()).min(1, 'must list at least one event'),
  Filter: z.strictObject({ Key: z.strictObject({ FilterRules: z.array(filterRule) }) }).optional(),
});
const documentSchema = z.strictObject({
  LambdaFunctionConfigurations: z.array(lambdaConfiguration).max(MAX_CONFIGURATIONS).default([]),
});

const OTHER_TARGETS = ['QueueConfigurations', 'TopicConfigurations', 'EventBridgeConfiguration', 'CloudFunctionConfigurations'];

function filterRules(rules: readonly z.output<typeof filterRule>[], field: string): LambdaNotification['filterRules'] {
  const seen = new Set<string>();
  return rules.map((rule, i) => {
    const name = rule.Name.toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') throw invalidParameter(`${field}[${i}].Name`, "filter rule name must be either 'prefix' or 'suffix'");
    if (seen.has(name)) throw invalidParameter(`${field}[${i}]`, `Cannot specify more than one ${name} rule in a filter.`);
    if (rule.Value === '' || rule.Value.length > 1024) throw invalidParameter(`${field}[${i}].Value`, 'must be 1 to 1024 characters');
    seen.add(name);
    return { name, value: rule.Value };
  });
}

/** `scope` completes function names and partial ARNs into full ARNs. */
export function parseNotificationDocument(json: unknown, scope: Scope): LambdaNotification[] {
  if (typeof json === 'object' && json !== null) {
    const other = OTHER_TARGETS.find((k) => k in json);
    if (other !== undefined) throw invalidParameter(other, 'only LambdaFunctionConfigurations are supported for external stores: Nimbus delivers their events to functions');
  }
  const doc = parseDocument(documentSchema, json);
  const ids = new Set<string>();
  return doc.LambdaFunctionConfigurations.map((c, i) => {
    const field = `LambdaFunctionConfigurations[${i}]`;
    const id = c.Id ?? Buffer.from(randomUUID()).toString('base64');
    if (ids.has(id)) throw invalidParameter(`${field}.Id`, `'${id}' is used by another configuration of this bucket`);
    ids.add(id);
    for (const [j, event] of c.Events.entries()) {
      const problem = eventPatternProblem(event);
      if (problem !== undefined) throw invalidParameter(`${field}.Events[${j}]`, problem);
    }
    const ref = parseFunctionRef(c.LambdaFunctionArn, `${field}.LambdaFunctionArn`);
    return {
      id,
      functionArn: functionArn(ref.region ?? scope.region, ref.account ?? scope.account, ref.name, ref.qualifier),
      events: [...new Set(c.Events)],
      filterRules: filterRules(c.Filter?.Key.FilterRules ?? [], `${field}.Filter.Key.FilterRules`),
    };
  });
}

/** The JSON form of parsed notifications, as GET returns them (the same document PUT takes). */
export function notificationDocument(notifications: readonly LambdaNotification[]): Record<string, unknown> {
  return {
    LambdaFunctionConfigurations: notifications.map((n) => ({
      Id: n.id, LambdaFunctionArn: n.functionArn, Events: n.events,
      ...(n.filterRules.length > 0 ? { Filter: { Key: { FilterRules: n.filterRules.map((r) => ({ Name: r.name, Value: r.value })) } } } : {}),
    })),
  };
}
