// Identity source expressions of HTTP API authorizers (`$request.header.Authorization`,
// `$request.querystring.token`, `$context.http.sourceIp`, `$stageVariables.x`), read from
// the payload 2.0 event of the request, whose header names are already lower case.

type Event = Readonly<Record<string, unknown>>;

function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The value of one expression, or undefined when the request lacks it (or it is empty). */
export function identityValue(expression: string, event: Event): string | undefined {
  let value: unknown;
  if (expression.startsWith('$request.header.')) {
    const name = expression.slice('$request.header.'.length).toLowerCase();
    // The event moves Cookie into `cookies`; as an identity source it is the header as sent.
    value = name === 'cookie' ? (event.cookies as string[] | undefined)?.join('; ') : walk(event.headers, [name]);
  } else if (expression.startsWith('$request.querystring.')) {
    value = walk(event.queryStringParameters, [expression.slice('$request.querystring.'.length)]);
  } else if (expression.startsWith('$context.')) {
    value = walk(event.requestContext, expression.slice('$context.'.length).split('.'));
  } else if (expression.startsWith('$stageVariables.')) {
    value = walk(event.stageVariables, [expression.slice('$stageVariables.'.length)]);
  }
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === '' ? undefined : text;
}
