// Word counting shared by the mapper and the single-function baseline: lower-case runs of
// letters, so "The", "the" and "the," are one word.
export function countWords(text, counts = new Map()) {
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Adds partial counts (a plain object, as they travel in messages) into `into`. */
export function addCounts(into, partial) {
  for (const [word, n] of Object.entries(partial)) into.set(word, (into.get(word) ?? 0) + n);
  return into;
}

/** The job's answer: totals and the most frequent words (ties by word, so it is deterministic). */
export function summary(job, chunks, counts) {
  let words = 0;
  for (const n of counts.values()) words += n;
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  return { job, chunks, words, distinct: counts.size, top };
}
