// Receives each worker's destination record ({requestContext, requestPayload,
// responsePayload}) and combines the partial results of a job. Partials are kept in this
// instance's memory, so the reducer runs with reserved concurrency 1 (one instance);
// a durable variant would keep them in object storage.
const jobs = new Map();

export const handler = async (record) => {
  if (record.requestContext?.condition !== 'Success') {
    console.error(`a worker failed: ${JSON.stringify(record.responsePayload)}`);
    return { failed: true };
  }
  const { jobId, index, total, sum } = record.responsePayload;
  const job = jobs.get(jobId) ?? new Map();
  jobs.set(jobId, job.set(index, sum));
  if (job.size < total) return { jobId, received: job.size, total };
  const result = [...job.values()].reduce((a, b) => a + b, 0);
  jobs.delete(jobId);
  console.log(`RESULT ${jobId} ${result}`);
  return { jobId, result };
};
