// Splits a job into chunks and starts one worker per chunk, asynchronously: the
// coordinator returns at once and the chunks run side by side.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

// Created once per instance: the platform sets AWS_ENDPOINT_URL, region and credentials.
const lambda = new LambdaClient({});

export const handler = async (event) => {
  const numbers = event.numbers ?? Array.from({ length: event.count ?? 100 }, (_, i) => i + 1);
  const chunks = Math.max(1, Math.min(event.chunks ?? 4, numbers.length));
  const jobId = event.jobId ?? `job-${Date.now()}`;
  const size = Math.ceil(numbers.length / chunks);
  const parts = Array.from({ length: chunks }, (_, i) => numbers.slice(i * size, (i + 1) * size));
  await Promise.all(parts.map((chunk, index) =>
    lambda.send(new InvokeCommand({
      FunctionName: process.env.WORKER ?? 'fanout-worker',
      InvocationType: 'Event',
      Payload: JSON.stringify({ jobId, index, total: parts.length, chunk }),
    }))));
  console.log(`started ${parts.length} workers for ${jobId}`);
  return { jobId, chunks: parts.length };
};
