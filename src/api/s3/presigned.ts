// Presigned URLs (SigV4 in the query: X-Amz-Algorithm, -Credential, -Date, -Expires,
// -SignedHeaders, -Signature). Expiry is always enforced. The signature is checked in
// enforced mode (keys from the authenticator: access keys, functions' keys, iamCredentials)
// and, in open mode, when the platform has iamCredentials: the request is presigned again
// with the key's secret by @smithy/signature-v4 (the SDK's own signer, with S3's unescaped
// path and UNSIGNED-PAYLOAD, as @aws-sdk/s3-request-presigner signs) and the two compared
// in constant time. In open mode with no iamCredentials there is no secret to check
// against, and a presigned URL is accepted until it expires, as any request is on loopback.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { S3Error } from '../../objects/errors.js';
import { MAX_CLOCK_SKEW_MS, NodeSha256, amzDate, queryOf, signedHeaderValues } from '../../auth/sigv4.js';

/** The key of an access key id (with X-Amz-Security-Token), as the authenticator resolves it. */
export type PresignKeyResolver = (accessKeyId: string, sessionToken: string | undefined) => Promise<{ readonly secret: string; readonly account: string } | undefined>;

/** SigV4 presigned URLs live at most a week. */
const MAX_EXPIRES_SECONDS = 604_800;
const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request$/;
const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];

function queryError(message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', message);
}

/** Whether a query string carries a presigned signature. */
export function isPresigned(query: URLSearchParams): boolean {
  return query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
}

export class PresignedUrlVerifier {
  readonly #keys: ReadonlyMap<string, string>;
  readonly #clock: () => number;

  constructor(keys: ReadonlyMap<string, string>, clock: () => number) {
    this.#keys = keys;
    this.#clock = clock;
  }

  /**
   * Throws the S3 error for an expired, malformed or wrongly signed URL. With `resolve`
   * (enforced mode) the signature is always checked and the key's account returned;
   * without, it is checked against iamCredentials when there are any.
   */
  async verify(req: IncomingMessage, rawPath: string, rawQuery: string, resolve?: PresignKeyResolver): Promise<{ readonly account: string } | undefined> {
    const query = queryOf(rawQuery);
    const param = (name: string): string | undefined => {
      const value = query[name];
      return Array.isArray(value) ? undefined : value;
    };
    if (REQUIRED.some((name) => param(name) === undefined)) {
      throw queryError('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    if (param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    const credential = CREDENTIAL.exec(param('X-Amz-Credential') as string);
    if (!credential) throw queryError("Error parsing the X-Amz-Credential parameter; the credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    const [, accessKeyId, scopeDate, region] = credential as unknown as [string, string, string, string];
    const expiresText = param('X-Amz-Expires') as string;
    const expires = /^\d{1,6}$/.test(expiresText) ? Number(expiresText) : NaN;
    if (!(expires >= 1 && expires <= MAX_EXPIRES_SECONDS)) throw queryError(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
    const dateText = param('X-Amz-Date') as string;
    const signedAt = amzDate(dateText);
    if (!signedAt || dateText.slice(0, 8) !== scopeDate) throw queryError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'" and on the date of the credential scope');
    const now = this.#clock();
    if (now > signedAt.getTime() + expires * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired', {
        'X-Amz-Expires': expiresText, Expires: new Date(signedAt.getTime() + expires * 1000).toISOString(), ServerTime: new Date(now).toISOString(),
      });
    }
    if (signedAt.getTime() - now > MAX_CLOCK_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
    if (resolve === undefined && this.#keys.size === 0) return undefined;
    const key = resolve !== undefined ? await resolve(accessKeyId, param('X-Amz-Security-Token')) : undefined;
    const secret = resolve !== undefined ? key?.secret : this.#keys.get(accessKeyId);
    if (secret === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
    const expected = await this.#sign(req, rawPath, query, { accessKeyId, secret, region, signedAt, expires, signed: (param('X-Amz-SignedHeaders') as string).split(';') });
    const given = param('X-Amz-Signature') as string;
    if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
      throw new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: accessKeyId });
    }
    return key;
  }

  async #sign(
    req: IncomingMessage, rawPath: string, query: Record<string, string | string[]>,
    key: { accessKeyId: string; secret: string; region: string; signedAt: Date; expires: number; signed: readonly string[] },
  ): Promise<string> {
    const signed = new Set(key.signed.map((name) => name.toLowerCase()));
    const headers = signedHeaderValues(req, signed);
    const unsignable = new Set<string>();
    if (!signed.has('x-amz-content-sha256')) {
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'; // read as the payload hash, not signed as a header
      unsignable.add('x-amz-content-sha256');
    }
    const { 'X-Amz-Signature': _signature, ...unsigned } = query;
    const signer = new SignatureV4({
      service: 's3', region: key.region, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
      sha256: NodeSha256, uriEscapePath: false, applyChecksum: false,
    });
    const presigned = await signer.presign(
      { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path: rawPath, query: unsigned, headers },
      {
        signingDate: key.signedAt, expiresIn: key.expires, signingRegion: key.region, signingService: 's3',
        signableHeaders: signed, unsignableHeaders: unsignable, unhoistableHeaders: new Set(Object.keys(headers)),
      },
    );
    const signature = presigned.query?.['X-Amz-Signature'];
    return typeof signature === 'string' ? signature : '';
  }
}
