// Which messages of an invoked batch stay in the queue, by Lambda's rules for SQS
// (lambda-reference §6.3, AWS "Reporting batch item failures"):
// - a function error (or timeout, crash) fails the whole batch;
// - without ReportBatchItemFailures any successful response deletes the whole batch;
// - with it, `{"batchItemFailures":[{"itemIdentifier": messageId}]}` keeps exactly those
//   messages; an empty or null response or list keeps none; a response that is not JSON,
//   not an object, or names an id that is empty, missing or not in the batch fails the
//   whole batch;
// - FIFO queues: after the first failed message of a group, every later message of that
//   group in the batch stays too, so the group's order is kept.

export interface BatchMessage {
  readonly messageId: string;
  /** FIFO queues only. */
  readonly groupId: string | undefined;
}

/** 'all' (the whole batch failed) or the ids of the messages that failed. */
export type ReportedFailures = 'all' | ReadonlySet<string>;

export function reportedFailures(payload: Buffer, batchIds: ReadonlySet<string>): ReportedFailures {
  const text = payload.toString('utf8').trim();
  if (text === '') return new Set();
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return 'all';
  }
  if (response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return 'all';
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'all';
  const failed = new Set<string>();
  for (const item of list) {
    const id = typeof item === 'object' && item !== null ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** The messages to delete after a successful invocation (the rest become visible again). */
export function messagesToDelete<T extends BatchMessage>(batch: readonly T[], failures: ReportedFailures, fifo: boolean): T[] {
  if (failures === 'all') return [];
  const stoppedGroups = new Set<string | undefined>();
  return batch.filter((m) => {
    if (fifo && stoppedGroups.has(m.groupId)) return false;
    if (!failures.has(m.messageId)) return true;
    stoppedGroups.add(m.groupId);
    return false;
  });
}
