// CloudWatch Logs filter patterns for unstructured lines ("Filter pattern syntax" in the
// CloudWatch Logs user guide). Supported:
//   ERROR Exception        every term must appear (terms are case-sensitive substrings)
//   "exact phrase"         a quoted term may hold spaces and \" escapes
//   ?ERROR ?WARN           any of the alternatives; each `?term` opens an alternative and
//                          plain terms after it join that one (`?A B ?C` = A and B, or C)
//   ERROR -Retrying        a `-term` must not appear
//   %regex%                a regular expression term; like CloudWatch, no ( ) groups
// JSON (`{ $.level = "ERROR" }`) and space-delimited (`[ip, user, ...]`) patterns are
// refused with a clear error rather than matched wrongly.

export type LogMatcher = (message: string) => boolean;

export class FilterPatternError extends Error {}

type Term = (message: string) => boolean;

interface Token {
  readonly kind: 'plain' | 'any' | 'not';
  readonly term: Term;
}

function regexTerm(source: string): Term {
  if (source === '') throw new FilterPatternError('an empty %regex% term');
  if (/[()]/.test(source)) throw new FilterPatternError(`regex terms may not use ( ) groups (as in CloudWatch): %${source}%`);
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (err) {
    throw new FilterPatternError(`invalid regex %${source}%: ${(err as Error).message}`);
  }
  return (message) => re.test(message);
}

function literalTerm(text: string): Term {
  return (message) => message.includes(text);
}

/** Reads one term starting at `i`; returns it and the index after it. */
function readTerm(pattern: string, start: number): [Term, number] {
  const first = pattern[start];
  if (first === '"') {
    let text = '';
    for (let i = start + 1; i < pattern.length; i++) {
      const c = pattern[i] as string;
      if (c === '\\' && i + 1 < pattern.length) {
        text += pattern[++i] as string;
      } else if (c === '"') {
        return [literalTerm(text), i + 1];
      } else {
        text += c;
      }
    }
    throw new FilterPatternError(`unterminated quoted phrase starting at character ${start + 1}`);
  }
  if (first === '%') {
    const close = pattern.indexOf('%', start + 1);
    if (close < 0) throw new FilterPatternError(`unterminated %regex% starting at character ${start + 1}`);
    return [regexTerm(pattern.slice(start + 1, close)), close + 1];
  }
  let end = start;
  while (end < pattern.length && !/\s/.test(pattern[end] as string)) end++;
  return [literalTerm(pattern.slice(start, end)), end];
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    if (/\s/.test(pattern[i] as string)) {
      i++;
      continue;
    }
    const sign = pattern[i];
    const next = pattern[i + 1];
    // A lone `?` or `-` (or one followed by a space) is an ordinary term.
    const prefixed = (sign === '?' || sign === '-') && next !== undefined && !/\s/.test(next);
    const [term, end] = readTerm(pattern, prefixed ? i + 1 : i);
    tokens.push({ kind: !prefixed ? 'plain' : sign === '?' ? 'any' : 'not', term });
    i = end;
  }
  return tokens;
}

/** Compiles a filter pattern; an empty or absent one matches every line. */
export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) {
    throw new FilterPatternError('JSON filter patterns ({ $.field = value }) are not supported yet; use terms, "quoted phrases", ?alternatives, -exclusions or %regex%');
  }
  if (text.startsWith('[')) {
    throw new FilterPatternError('space-delimited filter patterns ([a, b, ...]) are not supported yet; use terms, "quoted phrases", ?alternatives, -exclusions or %regex%');
  }
  const tokens = tokenize(text);
  const excluded = tokens.filter((t) => t.kind === 'not').map((t) => t.term);
  // Alternatives: each `?term` starts one; plain terms join the current one.
  const groups: Term[][] = [];
  for (const token of tokens) {
    if (token.kind === 'not') continue;
    if (token.kind === 'any' || groups.length === 0) groups.push([token.term]);
    else groups[groups.length - 1]?.push(token.term);
  }
  return (message) =>
    !excluded.some((t) => t(message)) && (groups.length === 0 || groups.some((group) => group.every((t) => t(message))));
}
