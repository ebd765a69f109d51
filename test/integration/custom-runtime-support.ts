// Shared by the custom runtime, Python, Runtime API and layer tests: deploys functions of any
// runtime from in-memory files (an executable `bootstrap` keeps its mode, as zip -X does not
// strip it on Lambda either).
import { buffer } from 'node:stream/consumers';
import { CreateFunctionCommand, type LambdaClient, type Runtime, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import yazl from 'yazl';

export type ModeFiles = Readonly<Record<string, string | Buffer | { readonly content: string | Buffer; readonly mode: number }>>;

export function zipWithModes(files: ModeFiles): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, entry] of Object.entries(files)) {
    const { content, mode } = typeof entry === 'string' || Buffer.isBuffer(entry) ? { content: entry, mode: 0o644 } : entry;
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { mtime: new Date(0), mode: 0o100000 | mode });
  }
  zip.end();
  return buffer(zip.outputStream);
}

export const executable = (content: string): { content: string; mode: number } => ({ content, mode: 0o755 });

export interface CustomDeployOptions {
  readonly runtime: string;
  readonly handler?: string;
  readonly timeout?: number;
  readonly layers?: readonly string[];
  readonly environment?: Record<string, string>;
}

export async function deployRuntime(lambda: LambdaClient, name: string, files: ModeFiles, options: CustomDeployOptions): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: options.runtime as Runtime, Role: 'arn:aws:iam::000000000000:role/test',
    Handler: options.handler ?? 'function.handler', Code: { ZipFile: await zipWithModes(files) }, Timeout: options.timeout,
    Layers: options.layers ? [...options.layers] : undefined,
    Environment: options.environment ? { Variables: options.environment } : undefined,
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

/**
 * A provided.al2023 bootstrap in sh + curl, as in Lambda's custom runtime tutorial: the
 * handler is a shell function in the sourced `$_HANDLER` file (`function.handler` →
 * function.sh, `handler`); its stdout is the response, a status of 1–99 posts that output
 * as the error, and 100 or more makes the runtime itself exit with that status (a crash).
 */
export const SHELL_BOOTSTRAP = `#!/bin/sh
set -u
. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
HEADERS="$(mktemp)"
while true; do
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  ARN=$(grep -Fi Lambda-Runtime-Invoked-Function-Arn "$HEADERS" | tr -d '[:space:]' | cut -d: -f2-)
  export ARN
  RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT")
  STATUS=$?
  if [ "$STATUS" -eq 0 ]; then
    curl -sS -X POST "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE" > /dev/null
  elif [ "$STATUS" -ge 100 ]; then
    exit "$STATUS"
  else
    curl -sS -X POST "$API/invocation/$REQUEST_ID/error" -H 'Lambda-Runtime-Function-Error-Type: Function.ShellError' \\
      -d "{\\"errorType\\":\\"Function.ShellError\\",\\"errorMessage\\":\\"$RESPONSE\\"}" > /dev/null
  fi
done
`;
