// The two wire protocols of SQS over one set of operations.
// JSON (awsJson1_0, what SDK v3 and current botocore send): `POST /`, `X-Amz-Target:
// AmazonSQS.<Operation>`, a JSON body. Query (older SDKs and CLIs): `Action=<Operation>`
// and flattened parameters, form-encoded in a POST body or in the query string of a GET,
// to `/` or to the queue URL (which then stands in for QueueUrl); XML responses.
import { QueueError } from '../../queues/errors.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { JSON_CONTENT_TYPE, xmlResponse } from './errors.js';
import type { SqsCall, SqsOperation, SqsOutput } from './operation.js';
import { decodeQuery, encodeStruct } from './query-codec.js';
import { QUERY_INPUT, QUERY_OUTPUT } from './query-shapes.js';
import { isQueuePath } from './queue-url.js';

const TARGET_PREFIX = 'AmazonSQS.';

export type Protocol = 'json' | 'query';

export interface ParsedCall {
  readonly operation: string;
  readonly input: unknown;
}

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function protocolOf(req: ApiRequest): Protocol {
  return header(req, 'x-amz-target') !== undefined ? 'json' : 'query';
}

export function parseJsonCall(req: ApiRequest): ParsedCall {
  const target = header(req, 'x-amz-target') ?? '';
  if (!target.startsWith(TARGET_PREFIX)) throw new QueueError('UnknownOperationException', `X-Amz-Target '${target}' names no SQS operation; use AmazonSQS.<Operation>.`);
  let input: unknown;
  try {
    input = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw new QueueError('SerializationException', `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new QueueError('SerializationException', 'The request body must be a JSON object.');
  return { operation: target.slice(TARGET_PREFIX.length), input };
}

export function parseQueryCall(req: ApiRequest, baseUrl: string): ParsedCall {
  const params = new Map(req.query);
  const type = header(req, 'content-type') ?? '';
  if (req.method === 'POST' && req.body.length > 0) {
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new QueueError('InvalidAction', 'SQS requests are JSON (X-Amz-Target: AmazonSQS.<Operation>) or form-encoded query requests (Action=<Operation>).');
    }
    for (const [key, value] of new URLSearchParams(req.body.toString('utf8'))) params.set(key, value);
  }
  const operation = params.get('Action');
  if (!operation) throw new QueueError('MissingParameter', 'The request must contain the parameter Action.');
  const input = decodeQuery(params, QUERY_INPUT[operation] ?? {});
  // Posted to a queue URL: that URL is the QueueUrl unless the request names one.
  if (input.QueueUrl === undefined && isQueuePath(req.path)) input.QueueUrl = `${baseUrl}${req.path}`;
  return { operation, input };
}

export async function runCall(operations: Readonly<Record<string, SqsOperation>>, parsed: ParsedCall, call: SqsCall, protocol: Protocol): Promise<SqsOutput> {
  const operation = Object.hasOwn(operations, parsed.operation) ? operations[parsed.operation] : undefined;
  if (!operation) {
    throw protocol === 'json'
      ? new QueueError('UnknownOperationException', `Nimbus does not serve the SQS operation '${parsed.operation}'.`)
      : new QueueError('InvalidAction', `The action ${parsed.operation} is not valid for this endpoint.`);
  }
  return operation(parsed.input, call);
}

export function renderJson(output: SqsOutput): ApiResponse {
  return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: output };
}

export function renderQuery(operation: string, output: SqsOutput, requestId: string): ApiResponse {
  const shape = QUERY_OUTPUT[operation];
  const result = shape ? { [`${operation}Result`]: encodeStruct(output, shape) } : {};
  return xmlResponse(200, `${operation}Response`, { ...result, ResponseMetadata: { RequestId: requestId } });
}
