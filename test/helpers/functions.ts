// Deploys small handler sources through the real SDK and invokes them.
import { CreateFunctionCommand, InvokeCommand, type InvokeCommandOutput, type LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { makeZip, type ZipEntries } from './zip.js';

export interface DeployOptions {
  readonly handler?: string;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly environment?: Record<string, string>;
  readonly ephemeralStorage?: number;
}

export async function deploy(lambda: LambdaClient, name: string, files: ZipEntries, options: DeployOptions = {}): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/test',
    Handler: options.handler ?? 'index.handler', Code: { ZipFile: await makeZip(files) },
    MemorySize: options.memorySize, Timeout: options.timeout,
    Environment: options.environment ? { Variables: options.environment } : undefined,
    EphemeralStorage: options.ephemeralStorage ? { Size: options.ephemeralStorage } : undefined,
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

export interface Invoked {
  readonly output: InvokeCommandOutput;
  readonly payload: unknown;
  readonly log: string;
}

export async function invoke(lambda: LambdaClient, name: string, event: unknown = {}, extra: { clientContext?: string } = {}): Promise<Invoked> {
  const output = await lambda.send(new InvokeCommand({
    FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail', ClientContext: extra.clientContext,
  }));
  const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
  return { output, payload: text === '' ? undefined : JSON.parse(text), log: Buffer.from(output.LogResult ?? '', 'base64').toString('utf8') };
}
