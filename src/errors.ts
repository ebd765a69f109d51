// The error catalogue: every error Nimbus reports has a stable code here, mirrored in
// docs/errors.md (test/unit/errors-catalogue.test.ts keeps the two in step).
// API-facing codes are the AWS shape names, because the SDK maps `x-amzn-ErrorType` to
// its exception classes; the member casing of the message (`message` vs `Message`) is
// per shape in the Lambda model (lambda-reference.md §1.2).

export type ErrorKind = 'User' | 'Service';

export interface ErrorSpec {
  readonly status: number;
  readonly kind: ErrorKind;
  /** Which JSON member carries the text in the AWS model for this shape. */
  readonly messageMember: 'message' | 'Message';
  readonly summary: string;
}

export const ERROR_CATALOGUE = {
  // Lambda API shapes
  ResourceNotFoundException: { status: 404, kind: 'User', messageMember: 'Message', summary: 'The function, version, alias or other resource does not exist.' },
  ResourceConflictException: { status: 409, kind: 'User', messageMember: 'message', summary: 'The resource exists already, or is in a state that does not allow the operation.' },
  InvalidParameterValueException: { status: 400, kind: 'User', messageMember: 'message', summary: 'A request field is missing or invalid; the message names the field.' },
  InvalidRequestContentException: { status: 400, kind: 'User', messageMember: 'message', summary: 'The request body is not valid JSON (or an invoke payload is not JSON).' },
  RequestTooLargeException: { status: 413, kind: 'User', messageMember: 'message', summary: 'The request body is larger than the operation allows.' },
  PreconditionFailedException: { status: 412, kind: 'User', messageMember: 'message', summary: 'The RevisionId given does not match the current one.' },
  TooManyRequestsException: { status: 429, kind: 'User', messageMember: 'message', summary: 'A concurrency limit is reached; `Reason` says which.' },
  UnsupportedMediaTypeException: { status: 415, kind: 'User', messageMember: 'message', summary: 'The content type of the request is not supported.' },
  ResourceNotReadyException: { status: 502, kind: 'Service', messageMember: 'message', summary: 'The function cannot run now (for example, its code could not be prepared).' },
  AccessDeniedException: { status: 403, kind: 'User', messageMember: 'Message', summary: 'A function URL refused the request (unknown URL id, or AuthType AWS_IAM without a valid signature), or the external S3 events endpoint did (no or a wrong token).' },
  ValidationException: { status: 400, kind: 'User', messageMember: 'message', summary: 'A member fails a constraint of the API model (pattern, range, required).' },
  ResourceInUseException: { status: 400, kind: 'User', messageMember: 'Message', summary: 'The event source mapping is being deleted and cannot be changed.' },
  ProvisionedConcurrencyConfigNotFoundException: { status: 404, kind: 'User', messageMember: 'message', summary: 'The version or alias has no provisioned concurrency config.' },
  NotAuthorizedException: { status: 401, kind: 'User', messageMember: 'message', summary: 'A dashboard login (POST /nimbus/v1/login) named no Active key or the wrong secret.' },
  UnrecognizedClientException: { status: 403, kind: 'User', messageMember: 'message', summary: 'Enforced mode: the access key id (or session token) is not one of an Active key.' },
  InvalidSignatureException: { status: 403, kind: 'User', messageMember: 'message', summary: 'Enforced mode: the SigV4 signature does not match, or was made more than 15 minutes from the server clock.' },
  MissingAuthenticationTokenException: { status: 403, kind: 'User', messageMember: 'message', summary: 'Enforced mode: the request is not signed (and carries no dashboard session).' },
  IncompleteSignatureException: { status: 403, kind: 'User', messageMember: 'message', summary: 'Enforced mode: the Authorization header is malformed, or signed for another service.' },
  UnknownOperationException: { status: 404, kind: 'User', messageMember: 'message', summary: 'No operation is served at this method and path.' },
  ServiceException: { status: 500, kind: 'Service', messageMember: 'Message', summary: 'An internal error; the platform logged the cause.' },
  // Start-up and CLI errors (not sent over HTTP)
  ConfigInvalid: { status: 500, kind: 'User', messageMember: 'message', summary: 'A configuration value (flag, NIMBUS_* variable or config file key) is invalid; the message names the key.' },
  DataDirLocked: { status: 500, kind: 'User', messageMember: 'message', summary: 'Another `nimbus serve` is using the data directory.' },
  StoreUnavailable: { status: 500, kind: 'Service', messageMember: 'message', summary: 'The PostgreSQL store cannot be reached or refused the connection.' },
  StoreCorrupt: { status: 500, kind: 'Service', messageMember: 'message', summary: 'The store failed an integrity check or has a schema newer than this build.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface NimbusErrorOptions {
  readonly cause?: unknown;
  /** Extra members sent in the JSON body (e.g. TooManyRequestsException's `Reason`). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

export class NimbusError extends Error {
  readonly code: ErrorCode;
  readonly extra: Readonly<Record<string, string | number>>;

  constructor(code: ErrorCode, message: string, options: NimbusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.extra = options.extra ?? {};
  }

  get spec(): ErrorSpec {
    return ERROR_CATALOGUE[this.code];
  }
}

export function isNimbusError(err: unknown): err is NimbusError {
  return err instanceof NimbusError;
}

/** Shorthand for the most common user error: names the field and says why. */
export function invalidParameter(field: string, why: string): NimbusError {
  return new NimbusError('InvalidParameterValueException', `${field}: ${why}`);
}
