// SQS operations on messages: send, receive, delete and change visibility, single and batched.
import { QUEUE_ATTRIBUTE_NAMES } from '../../queues/attributes.js';
import type { BatchFailure, BatchResult } from '../../queues/batch.js';
import { QueueError } from '../../queues/errors.js';
import type { MessageAttributeInput } from '../../queues/message-content.js';
import type { SendInput, SendResult } from '../../queues/message-send.js';
import type { MessageService } from '../../queues/message-service.js';
import { MESSAGE_SYSTEM_ATTRIBUTE_NAMES, narrow, type ReceivedMessage } from '../../queues/received-message.js';
import { nonEmpty, onQueue, type SqsOperation, type SqsOutput } from './operation.js';
import { decodeBinary, type WireAttributeValue } from './wire.js';

function attributeInputs(wire: Readonly<Record<string, WireAttributeValue>> | undefined): Record<string, MessageAttributeInput> | undefined {
  if (wire === undefined) return undefined;
  return Object.fromEntries(Object.entries(wire).map(([name, v]) => [name, {
    dataType: v.DataType, stringValue: v.StringValue, binaryValue: decodeBinary(name, v.BinaryValue),
    listValues: (v.StringListValues?.length ?? 0) > 0 || (v.BinaryListValues?.length ?? 0) > 0,
  }]));
}

interface WireSend {
  MessageBody: string; DelaySeconds?: number | undefined; MessageAttributes?: Record<string, WireAttributeValue> | undefined;
  MessageSystemAttributes?: Record<string, WireAttributeValue> | undefined; MessageDeduplicationId?: string | undefined; MessageGroupId?: string | undefined;
}

function sendInput(wire: WireSend): SendInput {
  return {
    body: wire.MessageBody, delaySeconds: wire.DelaySeconds, attributes: attributeInputs(wire.MessageAttributes),
    systemAttributes: attributeInputs(wire.MessageSystemAttributes), deduplicationId: wire.MessageDeduplicationId, groupId: wire.MessageGroupId,
  };
}

function sendOutput(r: SendResult): SqsOutput {
  return {
    MessageId: r.messageId, MD5OfMessageBody: r.md5OfMessageBody, MD5OfMessageAttributes: r.md5OfMessageAttributes,
    MD5OfMessageSystemAttributes: r.md5OfMessageSystemAttributes, SequenceNumber: r.sequenceNumber,
  };
}

function failedOutput(failed: readonly BatchFailure[]): SqsOutput[] {
  return failed.map((f) => ({ Id: f.id, SenderFault: f.senderFault, Code: f.code, Message: f.message }));
}

function batchOutput(result: BatchResult<{ readonly id: string }>): SqsOutput {
  return { Successful: result.successful.map((s) => ({ Id: s.id })), Failed: failedOutput(result.failed) };
}

/** AttributeNames (deprecated) and MessageSystemAttributeNames together; the old list took queue attribute names too. */
function systemNames(...lists: (readonly string[] | undefined)[]): string[] {
  const names = lists.flatMap((l) => l ?? []);
  for (const name of names) {
    if (!MESSAGE_SYSTEM_ATTRIBUTE_NAMES.has(name) && !QUEUE_ATTRIBUTE_NAMES.has(name)) throw new QueueError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  }
  return names;
}

function messageOutput(m: ReceivedMessage): SqsOutput {
  const attributes = Object.fromEntries(Object.entries(m.messageAttributes).map(([name, v]) => [name, {
    DataType: v.dataType, StringValue: v.stringValue, BinaryValue: v.binaryValue,
  }]));
  return {
    MessageId: m.messageId, ReceiptHandle: m.receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body,
    Attributes: nonEmpty({ ...m.attributes }), MD5OfMessageAttributes: m.md5OfMessageAttributes, MessageAttributes: nonEmpty(attributes),
  };
}

export function messageOperations(messages: MessageService): Record<string, SqsOperation> {
  return {
    SendMessage: onQueue('SendMessage', async (key, input, call) => sendOutput(await messages.send(key, sendInput(input), call.senderId))),
    SendMessageBatch: onQueue('SendMessageBatch', async (key, input, call) => {
      const result = await messages.sendBatch(key, input.Entries.map((e) => ({ id: e.Id, ...sendInput(e) })), call.senderId);
      return { Successful: result.successful.map((s) => ({ Id: s.id, ...sendOutput(s) })), Failed: failedOutput(result.failed) };
    }),
    ReceiveMessage: onQueue('ReceiveMessage', async (key, input) => {
      const names = systemNames(input.AttributeNames, input.MessageSystemAttributeNames);
      const received = await messages.receive(key, { maxMessages: input.MaxNumberOfMessages, waitSeconds: input.WaitTimeSeconds, visibilityTimeout: input.VisibilityTimeout });
      return { Messages: nonEmpty(received.map((m) => messageOutput(narrow(m, names, input.MessageAttributeNames ?? [])))) };
    }),
    DeleteMessage: onQueue('DeleteMessage', (key, input) => messages.deleteMessage(key, input.ReceiptHandle)),
    DeleteMessageBatch: onQueue('DeleteMessageBatch', async (key, input) =>
      batchOutput(await messages.deleteBatch(key, input.Entries.map((e) => ({ id: e.Id, receiptHandle: e.ReceiptHandle }))))),
    ChangeMessageVisibility: onQueue('ChangeMessageVisibility', (key, input) => messages.changeVisibility(key, input.ReceiptHandle, input.VisibilityTimeout)),
    ChangeMessageVisibilityBatch: onQueue('ChangeMessageVisibilityBatch', async (key, input) => {
      const entries = input.Entries.map((e) => ({ id: e.Id, receiptHandle: e.ReceiptHandle, visibilityTimeout: e.VisibilityTimeout ?? 0 }));
      return batchOutput(await messages.changeVisibilityBatch(key, entries));
    }),
  };
}
