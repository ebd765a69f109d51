// A deterministic text corpus: chunk i is the same text on every machine and every run, so
// a result can be checked. Words are made of syllables and drawn with Zipf's law over a
// fixed vocabulary (a few words are very common, most are rare), as in natural text, with
// capitals and punctuation the counting has to see through.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'gu', 'he', 'ji', 'fy', 'ba', 'co', 'wu'];
const VOCABULARY_SIZE = 5000;

/** mulberry32: a small seeded PRNG, good enough for text. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildVocabulary() {
  const rand = random(7);
  const words = new Set();
  while (words.size < VOCABULARY_SIZE) {
    const length = 1 + Math.floor(rand() * 4);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

const vocabulary = buildVocabulary();
// Cumulative Zipf weights (1/rank), for drawing a word by binary search.
const cumulative = [];
let total = 0;
for (let rank = 1; rank <= vocabulary.length; rank++) cumulative.push((total += 1 / rank));

function draw(rand) {
  const target = rand() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo];
}

/** The text of chunk `index`: `words` words in sentences of 6 to 17 words. */
export function chunkText(index, words) {
  const rand = random(1000 + index);
  const sentences = [];
  let left = words;
  while (left > 0) {
    const length = Math.min(left, 6 + Math.floor(rand() * 12));
    const sentence = Array.from({ length }, () => draw(rand));
    sentence[0] = sentence[0][0].toUpperCase() + sentence[0].slice(1);
    if (length > 8) sentence[4] += ',';
    sentences.push(`${sentence.join(' ')}.`);
    left -= length;
  }
  return sentences.join(' ');
}
