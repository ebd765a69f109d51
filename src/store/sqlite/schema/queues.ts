// Schema for the SQS-compatible queues (one migration; see ../migrations.ts).
// Messages reference their queue by a surrogate id, so a queue deleted and created again
// under the same name never sees the old queue's messages or receipts.
// A message is visible when visible_at <= now; in flight when received (receive_count > 0)
// and visible_at > now; delayed when never received and visible_at > now.
export const QUEUES_SCHEMA = `
CREATE TABLE sqs_queues (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
  fifo INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL, last_modified INTEGER NOT NULL,
  purged_at INTEGER,
  next_sequence INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account, region, name)
);
CREATE TABLE sqs_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  attributes TEXT NOT NULL, system_attributes TEXT NOT NULL,
  md5_body TEXT NOT NULL, md5_attributes TEXT, md5_system_attributes TEXT,
  sender_id TEXT NOT NULL, sent_at INTEGER NOT NULL,
  group_id TEXT, dedup_id TEXT, sequence_number TEXT,
  visible_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  first_received_at INTEGER, received_at INTEGER,
  receipt_token TEXT,
  dead_letter_source_arn TEXT
);
CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at);
CREATE UNIQUE INDEX sqs_messages_id ON sqs_messages (queue_id, message_id);
CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, visible_at) WHERE group_id IS NOT NULL;
CREATE INDEX sqs_messages_sent ON sqs_messages (queue_id, sent_at);
CREATE TABLE sqs_deduplication (
  queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  message_id TEXT NOT NULL, sequence_number TEXT,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, scope, dedup_id)
) WITHOUT ROWID;
CREATE INDEX sqs_deduplication_expiry ON sqs_deduplication (expires_at);
`;
