// The S3 error catalogue: the codes the object store answers with, each with S3's HTTP
// status and default message (docs/s3.md mirrors this table; test/unit/s3-errors.test.ts
// keeps the two in step). Clients map the code, not the text, to their exception classes
// (`NoSuchKey`, `NoSuchBucket`, … in @aws-sdk/client-s3), so the codes are S3's own.

export interface S3ErrorSpec {
  readonly status: number;
  /** S3's default message for the code. */
  readonly message: string;
}

export const S3_ERROR_CATALOGUE = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  AuthorizationHeaderMalformed: { status: 400, message: 'The authorization header is malformed.' },
  AuthorizationQueryParametersError: { status: 400, message: 'The query parameters of a presigned URL are malformed.' },
  BadDigest: { status: 400, message: 'The Content-MD5 you specified did not match what we received.' },
  BucketAlreadyExists: { status: 409, message: 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.' },
  BucketAlreadyOwnedByYou: { status: 409, message: 'Your previous request to create the named bucket succeeded and you already own it.' },
  BucketNotEmpty: { status: 409, message: 'The bucket you tried to delete is not empty' },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
  EntityTooSmall: { status: 400, message: 'Your proposed upload is smaller than the minimum allowed object size.' },
  IncompleteBody: { status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidAccessKeyId: { status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  InvalidArgument: { status: 400, message: 'Invalid Argument' },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified is not valid.' },
  InvalidLocationConstraint: { status: 400, message: 'The specified location-constraint is not valid' },
  InvalidPart: { status: 400, message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag." },
  InvalidPartOrder: { status: 400, message: 'The list of parts was not in ascending order. Parts must be ordered by part number.' },
  InvalidRange: { status: 416, message: 'The requested range is not satisfiable' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  KeyTooLongError: { status: 400, message: 'Your key is too long' },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema' },
  MaxMessageLengthExceeded: { status: 400, message: 'Your request was too big.' },
  MetadataTooLarge: { status: 400, message: 'Your metadata headers exceed the maximum allowed metadata size.' },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchUpload: { status: 404, message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.' },
  NotImplemented: { status: 501, message: 'A header you provided implies functionality that is not implemented' },
  PreconditionFailed: { status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  RequestTimeTooSkewed: { status: 403, message: 'The difference between the request time and the current time is too large.' },
  SignatureDoesNotMatch: { status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' },
  XAmzContentSHA256Mismatch: { status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
} as const satisfies Record<string, S3ErrorSpec>;

export type S3ErrorCode = keyof typeof S3_ERROR_CATALOGUE;

/** Extra elements of the error document (`<Key>`, `<BucketName>`, `<Condition>`…), in order. */
export type S3ErrorFields = Readonly<Record<string, string>>;

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly fields: S3ErrorFields;

  constructor(code: S3ErrorCode, message?: string, fields: S3ErrorFields = {}) {
    super(message ?? S3_ERROR_CATALOGUE[code].message);
    this.name = code;
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return S3_ERROR_CATALOGUE[this.code].status;
  }
}

export const noSuchBucket = (bucket: string): S3Error => new S3Error('NoSuchBucket', undefined, { BucketName: bucket });
export const noSuchKey = (key: string): S3Error => new S3Error('NoSuchKey', undefined, { Key: key });
export const noSuchUpload = (uploadId: string): S3Error => new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
export const invalidArgument = (message: string, name?: string, value?: string): S3Error =>
  new S3Error('InvalidArgument', message, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' });
export const malformedXml = (): S3Error => new S3Error('MalformedXML');
