// One request to Nimbus's own admin API (/nimbus/v1/…), for the commands that manage what
// the AWS APIs do not cover. Failures become a CliError naming the error code and message.
import { describeApiError } from './client.js';
import { CliError } from './command.js';

/** `body`: a JSON document as text, or a value to serialise. Resolves with the parsed answer (undefined when empty). */
export async function adminRequest<T>(endpoint: string, method: string, urlPath: string, body?: unknown): Promise<T | undefined> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${endpoint}/nimbus/v1${urlPath}`, {
      method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    text = await res.text();
  } catch (err) {
    throw new CliError(describeApiError(err, endpoint), 1);
  }
  const parsed = text === '' ? undefined : (JSON.parse(text) as T & { message?: string; Message?: string });
  if (!res.ok) throw new CliError(`${res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`}: ${parsed?.message ?? parsed?.Message ?? ''}`, 1);
  return parsed;
}
