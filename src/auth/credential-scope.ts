// Reads the SigV4 credential scope (`Credential=AKID/date/region/service/aws4_request`)
// from the Authorization header or a presigned URL's X-Amz-Credential. Routing needs only
// the service and region; signature checking is a separate concern (authenticator.ts).
import type { IncomingHttpHeaders } from 'node:http';

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

export function readCredentialScope(headers: IncomingHttpHeaders, query: URLSearchParams): CredentialScope | undefined {
  const auth = headers.authorization;
  const source = auth?.startsWith('AWS4-HMAC-SHA256') ? auth : query.has('X-Amz-Credential') ? `Credential=${query.get('X-Amz-Credential')}` : undefined;
  const match = source ? CREDENTIAL.exec(source) : null;
  if (!match) return undefined;
  return { accessKeyId: match[1] as string, region: match[3] as string, service: match[4] as string };
}

/** The account of a request: a 12-digit access key id is taken as the account id (as LocalStack does). */
export function accountOf(scope: CredentialScope | undefined, fallback: string): string {
  return scope && /^\d{12}$/.test(scope.accessKeyId) ? scope.accessKeyId : fallback;
}
