// The SQS error catalogue: every error the queue service reports, by its shape name in
// the SQS model, with the legacy query-protocol code (the model's awsQueryError trait),
// the HTTP status and the fault. Both wire protocols render from this table:
// JSON sends `__type: com.amazonaws.sqs#<name>` plus `x-amzn-query-error: <queryCode>;<fault>`
// (SDK v3 and botocore read the code from that header for awsQueryCompatible services),
// the query protocol sends `<Code>queryCode</Code>`. docs/sqs.md mirrors this table
// (test/unit/sqs-errors-catalogue.test.ts keeps them in step).

export interface SqsErrorSpec {
  readonly status: number;
  readonly queryCode: string;
  readonly fault: 'Sender' | 'Receiver';
  readonly summary: string;
}

export const SQS_ERRORS = {
  QueueDoesNotExist: { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue', fault: 'Sender', summary: 'The queue named by QueueUrl, QueueName or an ARN does not exist.' },
  QueueNameExists: { status: 400, queryCode: 'QueueAlreadyExists', fault: 'Sender', summary: 'CreateQueue named an existing queue with a different value for an attribute it gave.' },
  InvalidAddress: { status: 404, queryCode: 'InvalidAddress', fault: 'Sender', summary: 'QueueUrl is not a queue URL of this endpoint.' },
  InvalidParameterValue: { status: 400, queryCode: 'InvalidParameterValue', fault: 'Sender', summary: 'A parameter is out of range or not valid for this queue type; the message names it.' },
  MissingParameter: { status: 400, queryCode: 'MissingParameter', fault: 'Sender', summary: 'A required parameter is missing.' },
  InvalidAttributeName: { status: 400, queryCode: 'InvalidAttributeName', fault: 'Sender', summary: 'An attribute name is unknown, or not valid for this queue type.' },
  InvalidAttributeValue: { status: 400, queryCode: 'InvalidAttributeValue', fault: 'Sender', summary: 'A queue attribute value is out of range or malformed.' },
  InvalidMessageContents: { status: 400, queryCode: 'InvalidMessageContents', fault: 'Sender', summary: 'The message holds characters outside those SQS allows (#x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF).' },
  EmptyBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest', fault: 'Sender', summary: 'A batch request has no entries.' },
  TooManyEntriesInBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', fault: 'Sender', summary: 'A batch request has more than 10 entries.' },
  BatchEntryIdsNotDistinct: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', fault: 'Sender', summary: 'Two entries of a batch have the same Id.' },
  InvalidBatchEntryId: { status: 400, queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId', fault: 'Sender', summary: 'A batch entry Id is not 1-80 letters, digits, hyphens or underscores.' },
  BatchRequestTooLong: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong', fault: 'Sender', summary: 'The messages of a SendMessageBatch add up to more than 1 MiB.' },
  ReceiptHandleIsInvalid: { status: 404, queryCode: 'ReceiptHandleIsInvalid', fault: 'Sender', summary: 'The receipt handle is malformed or belongs to another queue.' },
  MessageNotInflight: { status: 400, queryCode: 'AWS.SimpleQueueService.MessageNotInflight', fault: 'Sender', summary: 'ChangeMessageVisibility on a message that is not in flight.' },
  PurgeQueueInProgress: { status: 403, queryCode: 'AWS.SimpleQueueService.PurgeQueueInProgress', fault: 'Sender', summary: 'The queue was purged less than 60 seconds ago.' },
  OverLimit: { status: 403, queryCode: 'OverLimit', fault: 'Sender', summary: 'Too many messages in flight (120,000 standard, 20,000 FIFO), or more than 50 tags.' },
  UnsupportedOperation: { status: 400, queryCode: 'AWS.SimpleQueueService.UnsupportedOperation', fault: 'Sender', summary: 'The operation is not served by Nimbus (permissions and message move tasks).' },
  InvalidAction: { status: 400, queryCode: 'InvalidAction', fault: 'Sender', summary: 'Query protocol: the Action is not an SQS operation.' },
  UnknownOperationException: { status: 400, queryCode: 'UnknownOperationException', fault: 'Sender', summary: 'JSON protocol: X-Amz-Target names no SQS operation.' },
  SerializationException: { status: 400, queryCode: 'SerializationException', fault: 'Sender', summary: 'JSON protocol: the body is not valid JSON, or not a JSON object.' },
  RequestEntityTooLarge: { status: 413, queryCode: 'RequestEntityTooLarge', fault: 'Sender', summary: 'The request body is larger than any SQS request can be (4 MiB).' },
  InvalidClientTokenId: { status: 403, queryCode: 'InvalidClientTokenId', fault: 'Sender', summary: 'Enforced mode: the access key id (or session token) is not one of an Active key.' },
  SignatureDoesNotMatch: { status: 403, queryCode: 'SignatureDoesNotMatch', fault: 'Sender', summary: 'Enforced mode: the signature does not match, or was made more than 15 minutes from the server clock.' },
  MissingAuthenticationToken: { status: 403, queryCode: 'MissingAuthenticationToken', fault: 'Sender', summary: 'Enforced mode: the request is not signed.' },
  IncompleteSignature: { status: 403, queryCode: 'IncompleteSignature', fault: 'Sender', summary: 'Enforced mode: the Authorization header is malformed, or signed for another service.' },
  InternalError: { status: 500, queryCode: 'InternalError', fault: 'Receiver', summary: 'An internal error; the platform logged the cause with the request id.' },
} as const satisfies Record<string, SqsErrorSpec>;

export type SqsErrorCode = keyof typeof SQS_ERRORS;

/** An error of the queue service, in SQS's terms. The API layer renders it per protocol. */
export class QueueError extends Error {
  readonly code: SqsErrorCode;

  constructor(code: SqsErrorCode, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }

  get spec(): SqsErrorSpec {
    return SQS_ERRORS[this.code];
  }
}

/** SQS's wording for a bad parameter value: `Value X for parameter P is invalid. Reason: R` */
export function invalidValue(parameter: string, value: unknown, reason: string): QueueError {
  return new QueueError('InvalidParameterValue', `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);
}

export function missingParameter(parameter: string): QueueError {
  return new QueueError('MissingParameter', `The request must contain the parameter ${parameter}.`);
}

export const queueDoesNotExist = (): QueueError => new QueueError('QueueDoesNotExist', 'The specified queue does not exist.');
