// Validates a bucket's notification configuration as S3 does before storing it: known
// event names, prefix/suffix filter rules, no two Lambda configurations that could both
// match one event, and destinations that exist.
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html)
import { randomUUID } from 'node:crypto';
import type { NotificationConfigRecord } from '../store/s3-ports.js';
import { S3Error, invalidArgument } from './errors.js';
import type { LambdaNotification } from './object-events.js';

const SUPPORTED_EVENTS = new Set([
  's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*', 's3:Replication:OperationFailedReplication', 's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold', 's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition', 's3:IntelligentTiering',
  's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
]);

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

export interface LambdaConfigInput {
  readonly id: string | undefined;
  readonly functionArn: string;
  readonly events: readonly string[];
  readonly filterRules: readonly { readonly name: string; readonly value: string }[];
}

export interface NotificationConfigInput {
  readonly lambda: readonly LambdaConfigInput[];
  readonly others: readonly unknown[];
}

function eventsOverlap(a: string, b: string): boolean {
  const covers = (wild: string, name: string): boolean => wild.endsWith(':*') && name.startsWith(wild.slice(0, -1));
  return a === b || covers(a, b) || covers(b, a);
}

function filterValue(config: LambdaNotification, name: 'prefix' | 'suffix'): string {
  return config.filterRules.find((r) => r.name === name)?.value ?? '';
}

/** Two configurations overlap when an event could match both (S3 refuses that as ambiguous). */
function overlapping(a: LambdaNotification, b: LambdaNotification): boolean {
  if (!a.events.some((x) => b.events.some((y) => eventsOverlap(x, y)))) return false;
  const [pa, pb] = [filterValue(a, 'prefix'), filterValue(b, 'prefix')];
  const [sa, sb] = [filterValue(a, 'suffix'), filterValue(b, 'suffix')];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function parseLambda(input: LambdaConfigInput): LambdaNotification {
  if (!LAMBDA_ARN.test(input.functionArn)) throw invalidArgument('The ARN is not well formed', 'CloudFunction', input.functionArn);
  if (input.events.length === 0) throw invalidArgument('At least one event must be specified', 'Event', '');
  for (const event of input.events) {
    if (!SUPPORTED_EVENTS.has(event)) throw invalidArgument('The event is not supported for notifications', 'Event', event);
  }
  const filterRules: { name: 'prefix' | 'suffix'; value: string }[] = [];
  for (const rule of input.filterRules) {
    const name = rule.name.toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') throw invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule', rule.name);
    if (filterRules.some((r) => r.name === name)) throw invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule', rule.name);
    filterRules.push({ name, value: rule.value });
  }
  return { id: input.id ?? randomUUID(), functionArn: input.functionArn, events: [...new Set(input.events)], filterRules };
}

/** The configuration to store, or the S3 error that refuses it. */
export async function validateNotificationConfig(
  input: NotificationConfigInput,
  functionExists: (arn: string) => Promise<boolean>,
): Promise<NotificationConfigRecord> {
  const lambda = input.lambda.map(parseLambda);
  const ids = new Set<string>();
  for (const [i, config] of lambda.entries()) {
    if (ids.has(config.id)) throw invalidArgument('Configurations must have unique ids', 'Id', config.id);
    ids.add(config.id);
    for (const other of lambda.slice(0, i)) {
      if (overlapping(config, other)) {
        throw invalidArgument('Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.', 'Event', config.events.join(','));
      }
    }
  }
  const missing: string[] = [];
  for (const arn of new Set(lambda.map((c) => c.functionArn))) if (!(await functionExists(arn))) missing.push(arn);
  if (missing.length > 0) {
    const fields: Record<string, string> = {};
    missing.forEach((arn, i) => {
      fields[`ArgumentName${i + 1}`] = arn;
      fields[`ArgumentValue${i + 1}`] = 'The destination function does not exist';
    });
    throw new S3Error('InvalidArgument', 'Unable to validate the following destination configurations', fields);
  }
  return { lambda, others: input.others };
}
