// S3 event names and the patterns a notification configuration lists
// (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`, `s3:LifecycleTransition`). An event
// record's own name has no `s3:` prefix (`ObjectCreated:Put`); MinIO's webhook keeps it.

/** AWS's event categories, plus MinIO's ObjectAccessed and Scanner ones. */
const CATEGORIES = new Set([
  'ObjectCreated', 'ObjectRemoved', 'ObjectRestore', 'ObjectTagging', 'ObjectAcl', 'ObjectAccessed',
  'Replication', 'LifecycleExpiration', 'LifecycleTransition', 'IntelligentTiering', 'ReducedRedundancyLostObject', 'Scanner',
]);
const PATTERN = /^s3:([A-Za-z]+)(?::(\*|[A-Za-z]+))?$/;
const NAME = /^(?:s3:)?([A-Za-z]+)(?::([A-Za-z]+))?$/;

/** Why a configured event pattern is not one, or undefined when it is. */
export function eventPatternProblem(pattern: string): string | undefined {
  const match = PATTERN.exec(pattern);
  if (!match) return `'${pattern}' is not an S3 event name like s3:ObjectCreated:* or s3:ObjectRemoved:Delete`;
  if (!CATEGORIES.has(match[1] as string)) return `'${pattern}': unknown event category '${match[1] ?? ''}' (known: ${[...CATEGORIES].join(', ')})`;
  return undefined;
}

/** An event name as event records carry it (`ObjectCreated:Put`), from either spelling; undefined when malformed. */
export function recordEventName(name: string): string | undefined {
  const match = NAME.exec(name);
  if (!match || !CATEGORIES.has(match[1] as string)) return undefined;
  return match[2] === undefined ? match[1] : `${match[1] ?? ''}:${match[2]}`;
}

/** Whether a record's event (`ObjectCreated:Put`) is one the patterns ask for. */
export function eventMatches(patterns: readonly string[], eventName: string): boolean {
  const category = eventName.split(':')[0] ?? '';
  return patterns.some((p) => p === `s3:${eventName}` || p === `s3:${category}:*`);
}
