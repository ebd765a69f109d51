// The one configuration schema. Every key is documented in docs/config.md; the
// flag is the kebab-case key (`--data-dir`), the variable NIMBUS_ + SNAKE_CASE.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().min(1);
const nonNegativeInt = z.coerce.number().int().min(0);
const price = z.coerce.number().min(0).max(1000);
/** true/false, also as the text of a flag or variable. */
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

export const configSchema = z.strictObject({
  /** TCP port of the API (0 picks a free one; tests use that). */
  port: port.default(9000),
  /** Address to bind. Loopback by default: the API accepts any credentials on loopback. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Where the SQLite store, code blobs and unpacked code live. */
  dataDir: z.string().min(1).default('./.nimbus'),
  /** Store URL: empty = SQLite in dataDir; `postgres://…` = cluster mode (docs/cluster.md). */
  store: z
    .string()
    .default('')
    .refine((v) => v === '' || v.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(v), 'must be empty, sqlite:<path> or postgres://…'),
  /** Cluster mode: the PostgreSQL schema the tables live in (created if missing); empty = the database's default. */
  storeSchema: z.string().regex(/^([a-z_][a-z0-9_]{0,62})?$/, 'must be lower-case letters, digits and _, at most 63').default(''),
  /** Cluster mode: connections each node keeps to PostgreSQL. */
  storeConnections: positiveInt.max(200).default(10),
  /** Cluster mode: this node's name in the cluster (unique per running node); empty = host name and a random suffix. */
  nodeId: z.string().regex(/^([A-Za-z0-9._-]{1,64})?$/, 'must be 1-64 letters, digits, . _ -').default(''),
  /** Region used when a request is unsigned (signed requests carry their own). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must look like us-east-1').default('us-east-1'),
  /** Account id used when the access key is not a 12-digit account id. */
  account: z.string().regex(/^\d{12}$/, 'must be 12 digits').default('000000000000'),
  /** Sandbox driver: auto picks bwrap when user namespaces work, else process. */
  sandbox: z.enum(['auto', 'bwrap', 'process']).default('auto'),
  /** Process driver: guests may open a Node inspector (no permission model; `nimbus dev --inspect`). */
  sandboxInspector: flag.default(false),
  /** Pre-started generic runtimes kept idle (the reserve pool); -1 sizes it from the machine. */
  poolSize: z.coerce.number().int().min(-1).max(1000).default(-1),
  /** Seconds an idle instance is kept before it is destroyed (scale to zero). */
  keepAliveSeconds: positiveInt.max(86400).default(600),
  /**
   * How long idle instances are kept: `fixed` (keepAliveSeconds) or `adaptive` (learned per
   * function from its idle times, pre-warming before expected calls; docs/keep-alive.md).
   * A function's tag `nimbus:keep-alive` overrides it.
   */
  keepAlivePolicy: z.enum(['fixed', 'adaptive']).default('fixed'),
  /** Sum of MemorySize (MB) of all live instances on this node; -1 = 75 % of the machine's memory. */
  memoryBudgetMb: z.coerce.number().int().min(-1).default(-1),
  /** Account-wide concurrent executions. */
  accountConcurrency: positiveInt.max(100000).default(1000),
  /**
   * Seconds before the 2nd and 3rd attempt of an async event after a function error
   * (Lambda: about 1 and 2 minutes). Comma-separated; tests and dev loops shorten them.
   */
  asyncRetryDelaysSeconds: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'must be comma-separated seconds, e.g. 60,120')
    .default('60,120'),
  /** Async events delivered at once by this node. */
  asyncConcurrency: positiveInt.max(10000).default(64),
  /** Days a function's logs are kept. */
  logRetentionDays: nonNegativeInt.max(3650).default(14),
  /** Days usage records (one per invocation) are kept; 0 keeps them forever. */
  usageRetentionDays: nonNegativeInt.max(3650).default(90),
  /** USD per million requests (Lambda: 0.20). */
  priceRequestsPerMillion: price.default(0.2),
  /** USD per GB-second of billed duration on x86_64 (Lambda: 0.0000166667). */
  priceGbSecondX86: price.default(0.0000166667),
  /** USD per GB-second of billed duration on arm64 (Lambda: 0.0000133334). */
  priceGbSecondArm64: price.default(0.0000133334),
  /** Deduct Lambda's monthly free tier (1M requests, 400,000 GB-s) from usage report totals. */
  freeTier: flag.default(false),
  /**
   * The architecture usage is priced at: `function` (each function's Architectures) or one
   * for all, e.g. the machine's own when functions declare whatever.
   */
  billingArchitecture: z.enum(['function', 'x86_64', 'arm64']).default('function'),
  /**
   * Keys that sign requests to AuthType AWS_IAM function URLs and S3 presigned URLs:
   * `AKID:SECRET[,AKID2:SECRET2]`. Empty: AWS_IAM URLs refuse every request, and presigned
   * URLs are checked for expiry only.
   */
  iamCredentials: z
    .string()
    .regex(/^(\s*[^\s:,]+:[^\s,]+\s*(,\s*[^\s:,]+:[^\s,]+\s*)*)?$/, 'must be AKID:SECRET pairs separated by commas')
    .default(''),
  /**
   * Serve a non-loopback address while no access key exists and iamCredentials is empty,
   * i.e. with no authentication at all (a loud warning at start). Without it such a start is
   * refused: create a key first (`nimbus keys create`).
   */
  allowUnauthenticated: flag.default(false),
  /**
   * The token external S3-compatible stores send to /nimbus/v1/s3-events/<source>
   * (MinIO's webhook auth_token). Empty: that endpoint refuses every request.
   */
  s3EventsToken: z.string().regex(/^([\x21-\x7e]{16,512})?$/, 'must be 16 to 512 printable ASCII characters without spaces').default(''),
  /** NATS server(s) async destinations `arn:nimbus:nats:::subject/…` publish to; empty = such destinations are refused. */
  destinationNatsUrl: z.string().default('').refine((v) => v === '' || /^(nats|tls|wss?):\/\/\S+$/.test(v), 'must be empty or nats://host:port'),
  /** RabbitMQ broker async destinations `arn:nimbus:rabbitmq:::exchange/…` publish to; empty = such destinations are refused. */
  destinationRabbitmqUrl: z.string().default('').refine((v) => v === '' || /^amqps?:\/\/\S+$/.test(v), 'must be empty or amqp://user:password@host:port/vhost'),
  /** Redis server async destinations `arn:nimbus:redis:::stream/…` append to; empty = such destinations are refused. */
  destinationRedisUrl: z.string().default('').refine((v) => v === '' || /^rediss?:\/\/\S+$/.test(v), 'must be empty or redis://host:port'),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<z.output<typeof configSchema>>;
export type ConfigKey = keyof Config;
export const CONFIG_KEYS = Object.keys(configSchema.shape) as ConfigKey[];
