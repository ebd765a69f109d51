// Word counting shared by the mapper and the single-function baseline: lower-case runs of
// letters, so "The", "the" and "the," are one word.
export function countWords(text, counts = new Map()) {
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/**
 * countWords, with `passes - 1` more passes over the text whose counts are thrown away: a
 * stand-in for heavier analysis per chunk (parsing, stemming, scoring), to see how the
 * variants compare as the work per chunk grows. The result is the same for any `passes`.
 */
export function analyse(text, passes = 1, counts = new Map()) {
  for (let pass = 1; pass < passes; pass++) countWords(text);
  return countWords(text, counts);
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
