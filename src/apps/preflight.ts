// Checks made before anything changes, so a template the platform would refuse half-way
// fails whole: runtimes, schedule expressions and time zones (with the platform's own
// parsers), and the buckets, queues and layers that triggers name outside the template.
import { GetLayerVersionByArnCommand } from '@aws-sdk/client-lambda';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { SUPPORTED_RUNTIMES } from '../control/functions/runtimes.js';
import { parseScheduleExpression } from '../triggers/schedule/expression.js';
import { parseTimeZone } from '../triggers/schedule/time-zone.js';
import { queueNameOfArn, type AppModel } from './app-model.js';
import type { Problems } from './app-error.js';
import type { AppPlatform } from './platform.js';

export function checkLocally(model: AppModel, problems: Problems): void {
  for (const fn of Object.values(model.functions)) {
    if (fn.runtime !== '' && !SUPPORTED_RUNTIMES.includes(fn.runtime)) problems.add(`function ${fn.name}: runtime ${fn.runtime} is not supported (${SUPPORTED_RUNTIMES.join(', ')})`);
  }
  for (const s of Object.values(model.schedules)) {
    try {
      parseScheduleExpression(s.expression);
      if (s.timezone !== undefined) parseTimeZone(s.timezone, 'ScheduleExpressionTimezone');
    } catch (err) {
      problems.add(`schedule ${s.name}: ${(err as Error).message}`);
    }
  }
}

export async function checkOnPlatform(platform: AppPlatform, model: AppModel, problems: Problems): Promise<void> {
  const buckets = new Set(Object.values(model.notifications).map((n) => n.bucket).filter((b) => model.buckets[b] === undefined));
  for (const bucket of buckets) {
    await platform.s3.send(new HeadBucketCommand({ Bucket: bucket })).catch(() => problems.add(`bucket ${bucket} (an S3 event source) is neither in the template nor on the platform`));
  }
  const queues = new Set(Object.values(model.mappings).map((m) => queueNameOfArn(m.queue)).filter((q) => model.queues[q] === undefined));
  for (const queue of queues) {
    await platform.sqs.send(new GetQueueUrlCommand({ QueueName: queue })).catch(() => problems.add(`queue ${queue} (an SQS event source) is neither in the template nor on the platform`));
  }
  const layers = new Set(Object.values(model.functions).flatMap((f) => f.layers));
  for (const arn of layers) {
    await platform.lambda.send(new GetLayerVersionByArnCommand({ Arn: arn })).catch((err: Error) => problems.add(`layer ${arn}: ${err.name}: ${err.message}`));
  }
}
