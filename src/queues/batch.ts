// The rules every batch request shares (SendMessageBatch, DeleteMessageBatch,
// ChangeMessageVisibilityBatch): 1 to 10 entries, Ids of 1-80 letters, digits, hyphens
// and underscores, all distinct. Entries then succeed or fail one by one.
import { QueueError } from './errors.js';

export const MAX_BATCH_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

export interface BatchFailure {
  readonly id: string;
  /** The error code as SQS reports it in BatchResultErrorEntry.Code. */
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
}

export interface BatchResult<T> {
  readonly successful: readonly T[];
  readonly failed: readonly BatchFailure[];
}

export function checkBatch(entries: readonly { readonly id: string }[], entryName: string): void {
  if (entries.length === 0) throw new QueueError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new QueueError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const { id } of entries) {
    if (!ENTRY_ID.test(id)) {
      throw new QueueError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (seen.has(id)) throw new QueueError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
}

export function batchFailure(id: string, err: unknown): BatchFailure {
  if (err instanceof QueueError) return { id, code: err.spec.queryCode, message: err.message, senderFault: err.spec.fault === 'Sender' };
  throw err;
}

/** Splits entries by their error (undefined: succeeded), in request order. */
export function settleBatch(entries: readonly { readonly id: string }[], errors: readonly (QueueError | undefined)[]): BatchResult<{ readonly id: string }> {
  const successful: { id: string }[] = [];
  const failed: BatchFailure[] = [];
  entries.forEach(({ id }, i) => {
    const error = errors[i];
    if (error) failed.push(batchFailure(id, error));
    else successful.push({ id });
  });
  return { successful, failed };
}
