// SQS errors on the wire, from the catalogue in queues/errors.ts.
// JSON protocol (awsJson1_0 with awsQueryCompatible): status, `x-amzn-query-error:
// <queryCode>;<fault>` (SDK v3's ProtocolLib.setQueryCompatError and botocore read the
// code from it, so `err.Code` is the legacy code and the modelled class is found by it),
// and `{"__type": "com.amazonaws.sqs#<Shape>", "message": …}`.
// Query protocol: `<ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>`.
import { XMLBuilder } from 'fast-xml-parser';
import { NimbusError } from '../../errors.js';
import { QueueError } from '../../queues/errors.js';
import type { ApiResponse } from '../http/types.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
export const XML_CONTENT_TYPE = 'text/xml';
export const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** XML text escaping of our own, which also keeps \r (an XML parser would read a literal one as \n). */
function escapeText(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

const xml = new XMLBuilder({
  ignoreAttributes: false, format: false, suppressEmptyNode: false, processEntities: false,
  tagValueProcessor: (_name, value) => escapeText(value),
});

/** Any error as a QueueError; errors of the platform's own become InternalError (`internal` true). */
export function asQueueError(err: unknown): { error: QueueError; internal: boolean } {
  if (err instanceof QueueError) return { error: err, internal: false };
  if (err instanceof NimbusError) {
    if (err.code === 'RequestTooLargeException') return { error: new QueueError('RequestEntityTooLarge', err.message), internal: false };
    if (err.code === 'UnknownOperationException') return { error: new QueueError('InvalidAction', err.message), internal: false };
    if (err.spec.kind === 'User') return { error: new QueueError('InvalidParameterValue', err.message), internal: false };
  }
  return { error: new QueueError('InternalError', 'We encountered an internal error. Please try again.'), internal: true };
}

export function renderJsonError(error: QueueError): ApiResponse {
  const spec = error.spec;
  return {
    status: spec.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-query-error': `${spec.queryCode};${spec.fault}` },
    body: { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
  };
}

export function renderQueryError(error: QueueError, requestId: string): ApiResponse {
  const spec = error.spec;
  return xmlResponse(spec.status, 'ErrorResponse', { Error: { Type: spec.fault, Code: spec.queryCode, Message: error.message, Detail: '' }, RequestId: requestId });
}

/** A query-protocol answer: one root element in SQS's namespace. */
export function xmlResponse(status: number, root: string, content: Readonly<Record<string, unknown>>): ApiResponse {
  const body: string = xml.build({ [root]: { '@_xmlns': XML_NAMESPACE, ...content } });
  return { status, headers: { 'content-type': XML_CONTENT_TYPE }, body: `<?xml version="1.0"?>${body}` };
}
