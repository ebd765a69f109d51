// SQS test helpers: an SDK v3 client for a running server, and signed raw requests for
// the query protocol (form posts), which no current SDK sends any more.
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeSha256 } from '../../src/auth/sigv4.js';
import { startServer, type RunningServer } from './server.js';

export function sqsClient(server: RunningServer, options: { accessKeyId?: string } = {}): SQSClient {
  return new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return out.QueueUrl ?? '';
}

const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256: NodeSha256 });

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A query-protocol request: form-encoded parameters POSTed to `url` (the endpoint or a queue URL), signed for `sqs`. */
export async function queryPost(url: string, params: Record<string, string>, options: { sign?: boolean } = {}): Promise<RawResponse> {
  const target = new URL(url);
  const body = new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
  let headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: target.host };
  if (options.sign !== false) {
    const signed = await signer.sign({ method: 'POST', protocol: target.protocol, hostname: target.hostname, port: Number(target.port), path: target.pathname, headers, body });
    headers = signed.headers;
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What the SDK throws for an SQS error: `name` is the modelled class, `Code` the query-compatible code. */
export interface SqsError {
  readonly name: string;
  readonly Code?: string;
  readonly message: string;
  readonly $metadata: { readonly httpStatusCode?: number };
}

/** Runs a call that must fail and returns the SDK's error. */
export async function sqsFailure(promise: Promise<unknown>): Promise<SqsError> {
  try {
    await promise;
  } catch (err) {
    return err as SqsError;
  }
  throw new Error('the call succeeded');
}

export interface SqsServer {
  readonly server: RunningServer;
  readonly sqs: SQSClient;
  dispose(): Promise<void>;
}

/** A fresh `nimbus serve` with an SQS client for it. */
export async function startSqsServer(): Promise<SqsServer> {
  const server = await startServer();
  const sqs = sqsClient(server);
  return {
    server, sqs,
    async dispose() {
      sqs.destroy();
      await server.dispose();
    },
  };
}
