// The reducer: invoked once per job with {job, chunks, results}. It reads the partial
// counts from the results queue as the mappers send them (so it reduces while they still
// map) and answers with the totals once every chunk is in.
import { readJob } from './job-reader.mjs';
import { addCounts, summary } from './words.mjs';

export const handler = async ({ job, chunks, results }, context) => {
  const counts = new Map();
  await readJob(results, { job, chunks }, context, (partial) => addCounts(counts, partial.counts));
  return summary(job, chunks, counts);
};
