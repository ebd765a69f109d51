// SQS queues as targets of asynchronous invocation (lambda-reference §7.1): an OnSuccess or
// OnFailure destination receives Lambda's destination record as the message body, and a
// function's DeadLetterConfig.TargetArn receives a discarded event as it was sent, with the
// message attributes Lambda sets (RequestID, ErrorCode, ErrorMessage). Messages go through
// the queue's message service, as any sender's do. The dispatcher calls this before it
// settles the event, so a crash in between sends the record again rather than losing it.
import { invalidParameter, isNimbusError } from '../../errors.js';
import type { MessageService } from '../../queues/message-service.js';
import type { MessageAttributeInput } from '../../queues/message-content.js';
import { parseQueueArn } from '../../queues/names.js';
import type { AsyncEvent, FunctionKey } from '../../store/records.js';

export interface QueueDestinationsDeps {
  readonly messages: Pick<MessageService, 'send'>;
  /** The dead-letter target of the function version a qualifier names, if any (its DeadLetterConfig). */
  readonly deadLetterTarget: (key: FunctionKey, qualifier: string | undefined) => Promise<string | undefined>;
  readonly onError: (err: unknown) => void;
}

/** A DeadLetterConfig.TargetArn must name an existing queue (SNS topics are not served here); `findQueue` is QueueService.findByArn. */
export async function requireDeadLetterQueue(findQueue: (arn: string) => Promise<unknown>, arn: string): Promise<void> {
  const field = 'DeadLetterConfig.TargetArn';
  if (parseQueueArn(arn) === undefined) throw invalidParameter(field, `'${arn}' is not an SQS queue ARN; dead-letter queues on this platform are SQS queues`);
  if ((await findQueue(arn)) === undefined) throw invalidParameter(field, `The destination ARN ${arn} is invalid or does not exist.`);
}

/** Why an event was discarded, for the dead-letter message's attributes. */
export interface DiscardReason {
  /** The function's error payload when it ran and failed. */
  readonly response: { readonly payload: Buffer } | undefined;
  readonly lastError: string | undefined;
}

const MAX_ERROR_MESSAGE = 1024;

function stringAttribute(dataType: 'String' | 'Number', value: string): MessageAttributeInput {
  return { dataType, stringValue: value, binaryValue: undefined, listValues: false };
}

/** The errorMessage of a function's error payload, else the platform's reason. */
function errorMessageOf(reason: DiscardReason): string {
  if (reason.response) {
    try {
      const parsed = JSON.parse(reason.response.payload.toString('utf8')) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') return parsed.errorMessage.slice(0, MAX_ERROR_MESSAGE);
    } catch {
      // not JSON: fall back to the platform's reason
    }
  }
  return (reason.lastError ?? 'The event was discarded').slice(0, MAX_ERROR_MESSAGE);
}

/** Lambda's recorded value is the status of the last attempt's Invoke: 200 for a function error. */
function errorCodeOf(reason: DiscardReason): string {
  if (reason.response) return '200';
  return /TooManyRequests|ZeroReservedConcurrency/.test(reason.lastError ?? '') ? '429' : '500';
}

export class QueueDestinations {
  readonly #deps: QueueDestinationsDeps;

  constructor(deps: QueueDestinationsDeps) {
    this.#deps = deps;
  }

  isQueue(arn: string): boolean {
    return parseQueueArn(arn) !== undefined;
  }


  /** The destination record as one message; a failure (queue deleted, record too large) is logged, not retried. */
  async sendRecord(queueArn: string, record: Buffer, sender: FunctionKey): Promise<void> {
    await this.#send(queueArn, { body: record.toString('utf8') }, sender);
  }

  /** A discarded event to the dead-letter queue of the function version it was for, if that has one. */
  async sendToDeadLetterQueue(event: AsyncEvent, reason: DiscardReason): Promise<void> {
    let target: string | undefined;
    try {
      target = await this.#deps.deadLetterTarget(event, event.qualifier);
    } catch (err) {
      if (!isNimbusError(err) || err.code !== 'ResourceNotFoundException') this.#deps.onError(err);
      return; // the function is gone, and its configuration with it
    }
    if (target === undefined || !this.isQueue(target)) return;
    await this.#send(target, {
      body: event.payload.toString('utf8'),
      attributes: {
        RequestID: stringAttribute('String', event.id),
        // Lambda's recorded value: the status of the last attempt's Invoke (200 for a function error).
        ErrorCode: stringAttribute('Number', errorCodeOf(reason)),
        ErrorMessage: stringAttribute('String', errorMessageOf(reason)),
      },
    }, event);
  }

  async #send(queueArn: string, input: { body: string; attributes?: Record<string, MessageAttributeInput> }, sender: FunctionKey): Promise<void> {
    const key = parseQueueArn(queueArn);
    if (!key) return;
    try {
      await this.#deps.messages.send(key, input, sender.account);
    } catch (err) {
      this.#deps.onError(new Error(`could not send to ${queueArn} for ${sender.name}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}
