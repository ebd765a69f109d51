import type { SQSBatchResponse, SQSHandler } from 'aws-lambda';

interface Job {
  readonly id: string;
  readonly action: string;
}

function parseJob(body: string): Job {
  const job = JSON.parse(body) as Partial<Job>;
  if (typeof job.id !== 'string' || typeof job.action !== 'string') throw new Error('a job needs string fields id and action');
  return job as Job;
}

// Processes each message on its own: a bad message is reported back (ReportBatchItemFailures)
// and becomes visible again later, while the good ones are deleted.
export const handler: SQSHandler = async (event) => {
  const response: SQSBatchResponse = { batchItemFailures: [] };
  for (const record of event.Records) {
    try {
      const job = parseJob(record.body);
      console.log(`job ${job.id}: ${job.action}`);
    } catch (err) {
      console.error(`message ${record.messageId} failed: ${(err as Error).message}`);
      response.batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return response;
};
