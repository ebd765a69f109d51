// Reads function logs back through the CloudWatch Logs API, as a user would.
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import type { RunningServer } from './server.js';

export function logsClient(server: RunningServer): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

/** Every message of a function's log group matching the pattern (empty when the group does not exist yet). */
export async function logMessages(client: CloudWatchLogsClient, functionName: string, filterPattern?: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const page of paginateFilterLogEvents({ client }, { logGroupName: `/aws/lambda/${functionName}`, filterPattern })) {
      out.push(...(page.events ?? []).map((e) => e.message ?? ''));
    }
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  return out;
}

/** Polls until `check` accepts the messages, or fails after `timeoutMs`. */
export async function waitForLogs(client: CloudWatchLogsClient, functionName: string, check: (messages: string[]) => boolean, timeoutMs = 20_000, filterPattern?: string): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let messages: string[] = [];
  while (Date.now() < deadline) {
    messages = await logMessages(client, functionName, filterPattern);
    if (check(messages)) return messages;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for logs of ${functionName}; last saw ${messages.length} lines:\n${messages.slice(-20).join('\n')}`);
}
