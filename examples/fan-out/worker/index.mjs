// Works on one chunk. Its return value goes to the reducer through the function's
// on-success destination (PutFunctionEventInvokeConfig), not through the coordinator.
export const handler = async ({ jobId, index, total, chunk }) => {
  const sum = chunk.reduce((a, b) => a + b, 0);
  console.log(`chunk ${index + 1}/${total} of ${jobId}: ${chunk.length} numbers, sum ${sum}`);
  return { jobId, index, total, sum };
};
