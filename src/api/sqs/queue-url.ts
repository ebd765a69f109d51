// Queue URLs: `http://<host>:<port>/<account>/<queueName>`, built from the Host the client
// used (so the URL works from wherever the client is, a sandbox included). Any host is
// accepted when parsing, so URLs of real SQS (`https://sqs.<region>.amazonaws.com/…`)
// pointed at Nimbus still name the queue; the region is the request's.
import type { IncomingHttpHeaders } from 'node:http';
import { QueueError } from '../../queues/errors.js';
import type { QueueKey } from '../../store/queue-ports.js';
import type { Scope } from '../../store/records.js';

const QUEUE_PATH = /^\/(\d{12})\/([^/]+)\/?$/;

export function baseUrlOf(headers: IncomingHttpHeaders): string {
  const forwarded = headers['x-forwarded-proto'];
  const proto = typeof forwarded === 'string' && forwarded === 'https' ? 'https' : 'http';
  return `${proto}://${headers.host ?? '127.0.0.1'}`;
}

export function queueUrl(baseUrl: string, key: QueueKey): string {
  return `${baseUrl}/${key.account}/${key.name}`;
}

/** Whether a request path is a queue URL's path (query-protocol requests may be posted there). */
export function isQueuePath(path: string): boolean {
  return QUEUE_PATH.test(path);
}

export function queueKeyOf(url: string, scope: Scope): QueueKey {
  let path: string | undefined;
  try {
    path = new URL(url).pathname;
  } catch {
    path = undefined;
  }
  const match = path === undefined ? null : QUEUE_PATH.exec(path);
  if (!match) throw new QueueError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  // Another account's queue is not the caller's to use (no queue policies here): as SQS says.
  if (match[1] !== scope.account) throw new QueueError('QueueDoesNotExist', 'The specified queue does not exist or you do not have access to it.');
  return { account: match[1], region: scope.region, name: match[2] as string };
}
