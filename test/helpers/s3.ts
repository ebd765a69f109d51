// S3 clients pointed at a running Nimbus: path style, or virtual-host style through
// `http://s3.localhost:<port>` (this machine's resolver may not know *.localhost, so the
// client's agent resolves it to loopback itself, as RFC 6761 says a resolver should).
import http from 'node:http';
import type { LookupFunction } from 'node:net';
import { after, before } from 'node:test';
import { CreateBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { startServer, type RunningServer } from './server.js';

export interface S3ClientOptions {
  /** false: virtual-host style against s3.localhost. Default true. */
  readonly forcePathStyle?: boolean;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** 'WHEN_REQUIRED' stops the SDK adding CRC32 checksums (presigned PUTs need that). */
  readonly checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

export const localhostLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname !== 'localhost' && !hostname.endsWith('.localhost')) {
    callback(new Error(`test lookup resolves only *.localhost, not ${hostname}`), '', 4);
    return;
  }
  if (options.all) (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

export function portOf(server: RunningServer): number {
  return Number(new URL(server.url).port);
}

export function s3Client(server: RunningServer, options: S3ClientOptions = {}): S3Client {
  const pathStyle = options.forcePathStyle ?? true;
  return new S3Client({
    endpoint: pathStyle ? server.url : `http://s3.localhost:${portOf(server)}`,
    forcePathStyle: pathStyle,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? 'test', secretAccessKey: options.secretAccessKey ?? 'test' },
    maxAttempts: 1,
    requestChecksumCalculation: options.checksums ?? 'WHEN_SUPPORTED',
    requestHandler: pathStyle ? undefined : { httpAgent: new http.Agent({ keepAlive: true, lookup: localhostLookup }) },
  });
}

/** Reads a GetObject body whole. */
export async function bodyBytes(body: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<Buffer> {
  return body ? Buffer.from(await body.transformToByteArray()) : Buffer.alloc(0);
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** SigV4 headers naming service s3 (signatures are not checked; the scope routes the request). */
export function s3AuthHeaders(accessKeyId = 'test', region = 'us-east-1'): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'x-amz-date': '20260101T000000Z',
  };
}

/** A request as written, for the cases SDKs never send (bad framing, wrong digests, odd methods). */
export function rawS3(server: RunningServer, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: portOf(server), method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The <Code> of an S3 error document. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

/** The S3 error a request ends in: the SDK's name for it and the status (errors without a body, HEAD's and 304s, are 'Unknown' or 'NotFound'). */
export async function failureOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error('the request succeeded');
}

export interface S3Fixture {
  readonly server: RunningServer;
  /** Path style, access key `test`. */
  readonly s3: S3Client;
}

export interface S3FixtureOptions {
  readonly buckets?: readonly string[];
  readonly args?: readonly string[];
  /** More set-up once the server runs and the buckets exist (in the same hook: hooks at a file's top level may overlap). */
  readonly setup?: (fixture: S3Fixture) => Promise<void>;
}

/** A `nimbus serve` and a client for one test file's (or suite's) tests, with `buckets` created first; stopped after. */
export function useS3Server(options: S3FixtureOptions = {}): S3Fixture {
  let server: RunningServer | undefined;
  let s3: S3Client | undefined;
  before(async () => {
    server = await startServer({ args: ['--pool-size', '0', ...(options.args ?? [])] });
    s3 = s3Client(server);
    for (const Bucket of options.buckets ?? []) await s3.send(new CreateBucketCommand({ Bucket }));
    await options.setup?.(fixture);
  });
  after(async () => {
    s3?.destroy();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the S3 test server is not started yet');
    return value;
  };
  const fixture: S3Fixture = {
    get server() {
      return started(server);
    },
    get s3() {
      return started(s3);
    },
  };
  return fixture;
}
