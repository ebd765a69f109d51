// The Lambda API's request bodies, as zod schemas of their wire shape. Types are
// checked here; ranges and rules live in control/ so every entry point shares them.
// Unknown members are ignored, as Lambda ignores members newer SDKs may send.
import { z } from 'zod';
import { NimbusError } from '../../errors.js';

const stringMap = z.record(z.string(), z.string());

const settingsShape = {
  Runtime: z.string().optional(),
  Handler: z.string().optional(),
  Role: z.string().optional(),
  Description: z.string().optional(),
  Timeout: z.number().optional(),
  MemorySize: z.number().optional(),
  Environment: z.object({ Variables: stringMap.optional() }).optional(),
  Architectures: z.array(z.string()).optional(),
  EphemeralStorage: z.object({ Size: z.number() }).optional(),
  TracingConfig: z.object({ Mode: z.string().optional() }).optional(),
  LoggingConfig: z.object({ LogFormat: z.string().optional(), LogGroup: z.string().optional(), ApplicationLogLevel: z.string().optional(), SystemLogLevel: z.string().optional() }).optional(),
  DeadLetterConfig: z.object({ TargetArn: z.string().optional() }).optional(),
  Layers: z.array(z.string()).optional(),
  VpcConfig: z.object({ SubnetIds: z.array(z.string()).optional(), SecurityGroupIds: z.array(z.string()).optional() }).optional(),
  KMSKeyArn: z.string().optional(),
  ImageConfig: z.unknown().optional(),
  FileSystemConfigs: z.array(z.unknown()).optional(),
  SnapStart: z.object({ ApplyOn: z.string().optional() }).optional(),
};

export const createFunctionBody = z.object({
  FunctionName: z.string(),
  Code: z.object({
    ZipFile: z.string().optional(),
    S3Bucket: z.string().optional(),
    S3Key: z.string().optional(),
    S3ObjectVersion: z.string().optional(),
    ImageUri: z.string().optional(),
  }),
  PackageType: z.string().optional(),
  Publish: z.boolean().optional(),
  Tags: stringMap.optional(),
  CodeSigningConfigArn: z.string().optional(),
  ...settingsShape,
});

export const updateConfigurationBody = z.object({ RevisionId: z.string().optional(), ...settingsShape });

export const updateCodeBody = z.object({
  ZipFile: z.string().optional(),
  S3Bucket: z.string().optional(),
  S3Key: z.string().optional(),
  S3ObjectVersion: z.string().optional(),
  ImageUri: z.string().optional(),
  Publish: z.boolean().optional(),
  DryRun: z.boolean().optional(),
  RevisionId: z.string().optional(),
  Architectures: z.array(z.string()).optional(),
});

export const tagResourceBody = z.object({ Tags: stringMap });

export const publishVersionBody = z.object({ CodeSha256: z.string().optional(), Description: z.string().optional(), RevisionId: z.string().optional() });

const routingConfig = z.object({ AdditionalVersionWeights: z.record(z.string(), z.number()).optional() });

export const createAliasBody = z.object({
  Name: z.string(), FunctionVersion: z.string(), Description: z.string().optional(), RoutingConfig: routingConfig.optional(),
});

export const updateAliasBody = z.object({
  FunctionVersion: z.string().optional(), Description: z.string().optional(), RoutingConfig: routingConfig.optional(), RevisionId: z.string().optional(),
});

export const putProvisionedConcurrencyBody = z.object({ ProvisionedConcurrentExecutions: z.number() });

/** Parses a JSON body against a schema; errors name the member the way the API spells it. */
export function parseBody<T extends z.ZodType>(schema: T, body: Buffer): z.output<T> {
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new NimbusError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
  // reportInput: zod 4 leaves the offending value out of issues unless asked.
  const result = schema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    const why = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : `is invalid (${issue?.message ?? 'bad value'})`;
    throw new NimbusError('InvalidParameterValueException', `${field}: ${why}`);
  }
  return result.data;
}

/** Decodes a base64 blob member strictly: Buffer.from would silently skip bad characters. */
export function decodeBase64(field: string, value: string): Buffer {
  const clean = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new NimbusError('InvalidParameterValueException', `${field}: is not valid base64`);
  }
  return Buffer.from(clean, 'base64');
}
