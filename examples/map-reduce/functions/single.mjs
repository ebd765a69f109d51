// The baseline: one function doing it all. It reads every chunk of the job from its own
// input queue, counts, and answers with the same totals as the reducer.
import { readJob } from './job-reader.mjs';
import { analyse, summary } from './words.mjs';

export const handler = async ({ job, chunks, input }, context) => {
  const counts = new Map();
  await readJob(input, { job, chunks }, context, (chunk) => analyse(chunk.text, chunk.passes, counts));
  return summary(job, chunks, counts);
};
