// What the platform persists, as plain data. The store implementations map these to
// rows; services build and read them. Shapes mirror the Lambda API's own so the API
// layer renders them without guessing.

/** Functions live in an account and region, taken from the request (lambda-reference §1.1). */
export interface Scope {
  readonly account: string;
  readonly region: string;
}

export interface FunctionKey extends Scope {
  readonly name: string;
}

export type FunctionState = 'Pending' | 'Active' | 'Failed' | 'Inactive';
export type LastUpdateStatus = 'Successful' | 'Failed' | 'InProgress';

/** The configurable part of a function version, as the API accepts it. */
export interface FunctionSettings {
  readonly runtime: string;
  readonly handler: string;
  readonly role: string;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly ephemeralStorageMb: number;
  /** Undefined when never set: GetFunction then omits `Environment`. */
  readonly environment: Readonly<Record<string, string>> | undefined;
  readonly architectures: readonly ('x86_64' | 'arm64')[];
  readonly tracingMode: 'Active' | 'PassThrough';
  readonly logFormat: 'Text' | 'JSON';
  readonly logGroup: string | undefined;
  readonly deadLetterTargetArn: string | undefined;
  /** Layer versions stacked at /opt, in order (absent: none). */
  readonly layers?: readonly LayerRef[] | undefined;
}

/** A layer version a function uses: fixed when configured, so deleting the layer version later does not break it (as on Lambda). */
export interface LayerRef {
  readonly arn: string;
  readonly codeSize: number;
  readonly code: CodeRef;
}

export interface CodeRef {
  /** base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  readonly sha256: string;
  /** hex SHA-256: the key of the zip in the BlobStore and of the unpacked tree. */
  readonly blobKey: string;
  readonly size: number;
}

export interface FunctionVersionRecord extends FunctionKey {
  /** `$LATEST` or a published number. */
  readonly version: string;
  readonly settings: FunctionSettings;
  readonly code: CodeRef;
  readonly revisionId: string;
  /** Lambda's string form `YYYY-MM-DDThh:mm:ss.sss+0000`. */
  readonly lastModified: string;
  readonly state: FunctionState;
  readonly stateReason: string | undefined;
  readonly stateReasonCode: string | undefined;
  readonly lastUpdateStatus: LastUpdateStatus;
  readonly lastUpdateStatusReason: string | undefined;
  readonly lastUpdateStatusReasonCode: string | undefined;
}

export interface FunctionRecord extends FunctionKey {
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservedConcurrency: number | undefined;
  readonly latest: FunctionVersionRecord;
}

/** One log line of a function, in CloudWatch Logs terms. */
export interface LogEvent extends Scope {
  readonly logGroup: string;
  readonly logStream: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly requestId: string | undefined;
  readonly message: string;
}

/** A stored log line with its position, usable as a cursor for following. */
export interface StoredLogEvent extends LogEvent {
  readonly id: number;
}

export type AsyncEventStatus = 'queued' | 'leased' | 'succeeded' | 'failed';

/** An accepted asynchronous invocation: durable from before the 202 until it is settled. */
export interface AsyncEvent extends FunctionKey {
  /** The request id, kept across every attempt. */
  readonly id: string;
  readonly qualifier: string | undefined;
  readonly payload: Buffer;
  /** What produced it: `async` (Invoke Event), `destination`, later `s3`, `schedule`… */
  readonly source: string;
  readonly createdAt: number;
  readonly status: AsyncEventStatus;
  /** Attempts that ran the function (function errors count toward MaximumRetryAttempts). */
  readonly attempts: number;
  /** Every try, including throttled ones (approximateInvokeCount). */
  readonly tries: number;
  /** Not delivered before this epoch-ms time (retry delays, throttle backoff). */
  readonly notBefore: number;
  readonly leaseOwner: string | undefined;
  readonly leaseUntil: number | undefined;
  readonly lastError: string | undefined;
  readonly updatedAt: number;
  /**
   * X-Amzn-Trace-Id the invocation runs under (its Lineage feeds the recursion guard);
   * absent: a new trace. Kept across attempts and passed on to destinations.
   */
  readonly traceHeader?: string | undefined;
}

export interface DestinationConfig {
  readonly onSuccess: string | undefined;
  readonly onFailure: string | undefined;
}

/** PutFunctionEventInvokeConfig, per function and qualifier (`$LATEST` when none). */
export interface EventInvokeConfig extends FunctionKey {
  readonly qualifier: string;
  readonly maximumRetryAttempts: number | undefined;
  readonly maximumEventAgeInSeconds: number | undefined;
  readonly destinations: DestinationConfig;
  /** Epoch ms. */
  readonly lastModified: number;
}

/** One route of the HTTP API route table (API Gateway HTTP API semantics). */
export interface HttpRouteRecord {
  /** `GET /users/{id}`, `ANY /api/{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** The function's name. */
  readonly function: string;
  readonly qualifier: string | undefined;
  /** The name of an authorizer of the same table. */
  readonly authorizer: string | undefined;
  /** JWT authorizers only: the token must carry at least one of these scopes. */
  readonly authorizationScopes: readonly string[] | undefined;
}

export interface JwtAuthorizerRecord {
  readonly type: 'jwt';
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Where the keys are: a URL, a file, or (neither) the issuer's OIDC discovery document. */
  readonly jwksUri: string | undefined;
  readonly jwksFile: string | undefined;
  /** `$request.header.Authorization` by default. */
  readonly identitySource: string;
}

export interface LambdaAuthorizerRecord {
  readonly type: 'lambda';
  readonly function: string;
  readonly qualifier: string | undefined;
  readonly identitySource: readonly string[];
  readonly resultTtlInSeconds: number;
  readonly enableSimpleResponses: boolean;
}

export type AuthorizerRecord = JwtAuthorizerRecord | LambdaAuthorizerRecord;

/** The HTTP API of an account and region: its routes and the authorizers they name. */
export interface RouteTableRecord extends Scope {
  readonly routes: readonly HttpRouteRecord[];
  readonly authorizers: Readonly<Record<string, AuthorizerRecord>>;
  /** Changes on every write (compare-and-swap). */
  readonly revision: string;
  /** Epoch ms. */
  readonly lastModified: number;
}

export type FunctionUrlAuthType = 'NONE' | 'AWS_IAM';
export type FunctionUrlInvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

/** A function URL's CORS settings, as CreateFunctionUrlConfig's `Cors` (members as given). */
export interface FunctionUrlCors {
  readonly allowCredentials?: boolean | undefined;
  readonly allowHeaders?: readonly string[] | undefined;
  readonly allowMethods?: readonly string[] | undefined;
  readonly allowOrigins?: readonly string[] | undefined;
  readonly exposeHeaders?: readonly string[] | undefined;
  readonly maxAge?: number | undefined;
}

/** A function URL config, per function and qualifier (`$LATEST` when none). */
export interface FunctionUrlConfigRecord extends FunctionKey {
  readonly qualifier: string;
  /** 32 lowercase letters and digits, random, kept for the life of the config: the host label. */
  readonly urlId: string;
  readonly authType: FunctionUrlAuthType;
  readonly cors: FunctionUrlCors | undefined;
  readonly invokeMode: FunctionUrlInvokeMode;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly lastModified: number;
}
