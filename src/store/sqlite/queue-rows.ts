// Row shapes of the queue tables and their mapping to the port's records.
import type { MessageAttributes, QueueRecord, StoredMessage } from '../queue-ports.js';

export interface QueueRow {
  id: number; account: string; region: string; name: string; fifo: number; attributes: string; tags: string;
  created_at: number; last_modified: number; purged_at: number | null;
}

export interface MessageRow {
  seq: number; queue_id: number; message_id: string; body: string; attributes: string; system_attributes: string;
  md5_body: string; md5_attributes: string | null; md5_system_attributes: string | null;
  sender_id: string; sent_at: number; group_id: string | null; dedup_id: string | null; sequence_number: string | null;
  visible_at: number; receive_count: number; first_received_at: number | null; received_at: number | null;
  receipt_token: string | null; dead_letter_source_arn: string | null;
}

export function toQueue(r: QueueRow): QueueRecord {
  return {
    id: r.id, account: r.account, region: r.region, name: r.name, fifo: r.fifo === 1,
    attributes: JSON.parse(r.attributes) as Record<string, string>, tags: JSON.parse(r.tags) as Record<string, string>,
    createdAt: r.created_at, lastModified: r.last_modified, purgedAt: r.purged_at ?? undefined,
  };
}

export function toMessage(r: MessageRow): StoredMessage {
  return {
    messageId: r.message_id, body: r.body,
    attributes: JSON.parse(r.attributes) as MessageAttributes, systemAttributes: JSON.parse(r.system_attributes) as MessageAttributes,
    md5OfBody: r.md5_body, md5OfAttributes: r.md5_attributes ?? undefined, md5OfSystemAttributes: r.md5_system_attributes ?? undefined,
    senderId: r.sender_id, sentAt: r.sent_at, visibleAt: r.visible_at, groupId: r.group_id ?? undefined,
    deduplicationId: r.dedup_id ?? undefined, sequenceNumber: r.sequence_number ?? undefined, receiveCount: r.receive_count,
    firstReceivedAt: r.first_received_at ?? undefined, receiptToken: r.receipt_token ?? undefined,
    deadLetterSourceArn: r.dead_letter_source_arn ?? undefined,
  };
}
