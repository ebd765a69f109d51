// Buckets, queues and the triggers that connect them to functions, each put or removed
// through the platform's public APIs. Every operation is safe to repeat.
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand, type FunctionResponseType } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, DeleteBucketCommand, PutBucketNotificationConfigurationCommand, type Event } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { functionArn, type AppModel, type DeployContext, type MappingSpec, type QueueSpec, type RouteSpec, type ScheduleSpec } from './app-model.js';
import { AdminApiError, type AppPlatform } from './platform.js';

export async function putBucket(platform: AppPlatform, name: string): Promise<void> {
  await platform.s3.send(new CreateBucketCommand({ Bucket: name })).catch((err: Error) => {
    if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
  });
}

/** A bucket still holding objects is kept (as CloudFormation's Retain would): data is never deleted by a deploy. */
export async function removeBucket(platform: AppPlatform, name: string): Promise<string | undefined> {
  try {
    await platform.s3.send(new DeleteBucketCommand({ Bucket: name }));
    return undefined;
  } catch (err) {
    if ((err as Error).name === 'NoSuchBucket') return undefined;
    if ((err as Error).name === 'BucketNotEmpty') return `kept bucket ${name}: it still holds objects (empty and delete it yourself)`;
    throw err;
  }
}

export async function putQueue(platform: AppPlatform, spec: QueueSpec, update: boolean): Promise<void> {
  if (!update) await platform.sqs.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: { ...spec.attributes } }));
  else {
    const { QueueUrl } = await platform.sqs.send(new GetQueueUrlCommand({ QueueName: spec.name }));
    await platform.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { ...spec.attributes } }));
  }
}

export async function removeQueue(platform: AppPlatform, name: string): Promise<void> {
  try {
    const { QueueUrl } = await platform.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await platform.sqs.send(new DeleteQueueCommand({ QueueUrl }));
  } catch (err) {
    if (!/NonExistentQueue|QueueDoesNotExist/.test((err as Error).name)) throw err;
  }
}

const ignoreAdminMissing = (err: unknown): void => {
  if (!(err instanceof AdminApiError && err.status === 404)) throw err;
};

export async function putRoute(platform: AppPlatform, spec: RouteSpec): Promise<void> {
  await removeRoute(platform, spec.routeKey);
  await platform.admin('POST', '/routes', spec);
}

export async function removeRoute(platform: AppPlatform, routeKey: string): Promise<void> {
  await platform.admin('DELETE', `/routes/${encodeURIComponent(routeKey)}`).catch(ignoreAdminMissing);
}

export async function putSchedule(platform: AppPlatform, spec: ScheduleSpec): Promise<void> {
  await platform.admin('PUT', `/schedules/${encodeURIComponent(spec.name)}`, {
    name: spec.name, function: spec.function, expression: spec.expression, timezone: spec.timezone, input: spec.input, state: spec.enabled ? 'ENABLED' : 'DISABLED',
    description: 'deployed by nimbus app',
  });
}

export async function removeSchedule(platform: AppPlatform, name: string): Promise<void> {
  await platform.admin('DELETE', `/schedules/${encodeURIComponent(name)}`).catch(ignoreAdminMissing);
}

async function mappingIds(platform: AppPlatform, fn: string, queueArn: string): Promise<string[]> {
  const out = await platform.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn, EventSourceArn: queueArn }));
  return (out.EventSourceMappings ?? []).map((m) => m.UUID ?? '').filter((id) => id !== '');
}

export async function putMapping(platform: AppPlatform, spec: MappingSpec): Promise<void> {
  const [existing] = await mappingIds(platform, spec.function, spec.queue);
  const settings = {
    FunctionName: spec.function, BatchSize: spec.batchSize, MaximumBatchingWindowInSeconds: spec.batchingWindowSeconds, Enabled: spec.enabled,
    FunctionResponseTypes: spec.functionResponseTypes === undefined ? undefined : ([...spec.functionResponseTypes] as FunctionResponseType[]),
    ScalingConfig: spec.maximumConcurrency === undefined ? undefined : { MaximumConcurrency: spec.maximumConcurrency },
  };
  if (existing === undefined) await platform.lambda.send(new CreateEventSourceMappingCommand({ ...settings, EventSourceArn: spec.queue }));
  else await platform.lambda.send(new UpdateEventSourceMappingCommand({ ...settings, UUID: existing }));
}

export async function removeMapping(platform: AppPlatform, fn: string, queueArn: string): Promise<void> {
  for (const id of await mappingIds(platform, fn, queueArn).catch(() => [])) {
    await platform.lambda.send(new DeleteEventSourceMappingCommand({ UUID: id }));
  }
}

/**
 * S3 keeps one notification configuration per bucket, so a bucket whose notifications changed
 * gets the whole set the app wants for it (none: an empty configuration).
 */
export async function putBucketNotifications(platform: AppPlatform, ctx: DeployContext, bucket: string, desired: AppModel): Promise<void> {
  const configs = Object.values(desired.notifications).filter((n) => n.bucket === bucket).map((n, i) => ({
    Id: `${desired.app}-${i + 1}`, LambdaFunctionArn: functionArn(ctx, n.function), Events: [...n.events] as Event[],
    ...(n.prefix !== undefined || n.suffix !== undefined ? { Filter: { Key: { FilterRules: [
      ...(n.prefix !== undefined ? [{ Name: 'prefix' as const, Value: n.prefix }] : []),
      ...(n.suffix !== undefined ? [{ Name: 'suffix' as const, Value: n.suffix }] : []),
    ] } } } : {}),
  }));
  await platform.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { LambdaFunctionConfigurations: configs } })).catch((err: Error) => {
    if (!(configs.length === 0 && err.name === 'NoSuchBucket')) throw err;
  });
}
