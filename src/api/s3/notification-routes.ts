// Put/GetBucketNotificationConfiguration. Lambda configurations arrive as SDK v3 and
// botocore send them (<CloudFunctionConfiguration> with <CloudFunction>) or as the S3
// docs write them (<LambdaFunctionConfiguration> with <LambdaFunctionArn>); they are
// answered as S3 answers (CloudFunction…). Queue, Topic and EventBridge configurations
// are stored as given so a Get returns them; only functions are notified.
import { S3Error } from '../../objects/errors.js';
import type { LambdaConfigInput, NotificationConfigInput } from '../../objects/notification-config.js';
import { bucketOf } from './context.js';
import type { OperationTable, S3Services } from './operations.js';
import { readSmallBody } from './request-body.js';
import { sendEmpty, sendXml } from './responses.js';
import { child, children, parseXml, text, texts, type XmlNode } from './xml.js';

const MAX_CONFIGURATION_BYTES = 1024 * 1024;
const LAMBDA_ELEMENTS = ['CloudFunctionConfiguration', 'LambdaFunctionConfiguration'];
const KEPT_ELEMENTS = ['QueueConfiguration', 'TopicConfiguration', 'EventBridgeConfiguration'];
const ARRAYS = [...LAMBDA_ELEMENTS, ...KEPT_ELEMENTS, 'Event', 'FilterRule'];

/** A parsed element without the whitespace text between its children. */
function withoutWhitespace(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutWhitespace);
  if (typeof node !== 'object' || node === null) return node;
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node as XmlNode)) {
    if (name === '#text' && typeof value === 'string' && value.trim() === '') continue;
    kept[name] = withoutWhitespace(value);
  }
  return kept;
}

function lambdaConfig(node: XmlNode): LambdaConfigInput {
  const functionArn = text(node, 'CloudFunction') ?? text(node, 'LambdaFunctionArn');
  if (functionArn === undefined) throw new S3Error('MalformedXML');
  const rules = children(child(child(node, 'Filter'), 'S3Key'), 'FilterRule').map((rule) => ({ name: text(rule, 'Name') ?? '', value: text(rule, 'Value') ?? '' }));
  return { id: text(node, 'Id') || undefined, functionArn: functionArn.trim(), events: texts(node, 'Event').map((e) => e.trim()), filterRules: rules };
}

function configurationOf(body: Buffer): NotificationConfigInput {
  const root = child(parseXml(body.toString('utf8'), ARRAYS), 'NotificationConfiguration');
  if (!root) throw new S3Error('MalformedXML');
  return {
    lambda: LAMBDA_ELEMENTS.flatMap((name) => children(root, name)).map(lambdaConfig),
    others: KEPT_ELEMENTS.flatMap((name) => children(root, name).map((node) => ({ [name]: withoutWhitespace(node) }))),
  };
}

export function notificationRoutes({ buckets }: S3Services): OperationTable {
  return {
    async PutBucketNotificationConfiguration(ctx) {
      const body = await readSmallBody(ctx.req, MAX_CONFIGURATION_BYTES);
      await buckets.putNotification(ctx.caller, bucketOf(ctx), configurationOf(body));
      sendEmpty(ctx, 200);
    },
    async GetBucketNotificationConfiguration(ctx) {
      const config = await buckets.getNotification(ctx.caller, bucketOf(ctx));
      const kept: Record<string, unknown[]> = {};
      for (const entry of (config?.others ?? []) as Record<string, unknown>[]) {
        for (const [name, node] of Object.entries(entry)) (kept[name] ??= []).push(node);
      }
      sendXml(ctx, 'NotificationConfiguration', {
        TopicConfiguration: kept.TopicConfiguration, QueueConfiguration: kept.QueueConfiguration,
        CloudFunctionConfiguration: (config?.lambda ?? []).map((c) => ({
          Id: c.id, CloudFunction: c.functionArn, Event: c.events,
          Filter: c.filterRules.length === 0 ? undefined : {
            S3Key: { FilterRule: c.filterRules.map((r) => ({ Name: r.name === 'prefix' ? 'Prefix' : 'Suffix', Value: r.value })) },
          },
        })),
        EventBridgeConfiguration: kept.EventBridgeConfiguration?.[0],
      });
    },
  };
}
