// PostgreSQL schema for the SQS-compatible queues, mirroring ../../sqlite/schema/queues.ts.
// Messages reference their queue by a surrogate id, so a queue deleted and created again
// under the same name never sees the old queue's messages or receipts.
// A message is visible when visible_at <= now; in flight when received (receive_count > 0)
// and visible_at > now; delayed when never received and visible_at > now.
// Queue names sort bytewise (COLLATE "C") as ListQueues pages by name. `fifo` stays an
// INTEGER 0/1 so the SQLite row mappers read both stores' rows.
export const QUEUES_SCHEMA = `
CREATE TABLE sqs_queues (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
  fifo INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL, last_modified BIGINT NOT NULL,
  purged_at BIGINT,
  next_sequence BIGINT NOT NULL DEFAULT 0,
  UNIQUE (account, region, name)
);
CREATE TABLE sqs_messages (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue_id BIGINT NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  attributes TEXT NOT NULL, system_attributes TEXT NOT NULL,
  md5_body TEXT NOT NULL, md5_attributes TEXT, md5_system_attributes TEXT,
  sender_id TEXT NOT NULL, sent_at BIGINT NOT NULL,
  group_id TEXT, dedup_id TEXT, sequence_number TEXT,
  visible_at BIGINT NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  first_received_at BIGINT, received_at BIGINT,
  receipt_token TEXT,
  dead_letter_source_arn TEXT
);
CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at);
CREATE UNIQUE INDEX sqs_messages_id ON sqs_messages (queue_id, message_id);
CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, visible_at) WHERE group_id IS NOT NULL;
CREATE INDEX sqs_messages_sent ON sqs_messages (queue_id, sent_at);
CREATE TABLE sqs_deduplication (
  queue_id BIGINT NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  message_id TEXT NOT NULL, sequence_number TEXT,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (queue_id, scope, dedup_id)
);
CREATE INDEX sqs_deduplication_expiry ON sqs_deduplication (expires_at);
`;
