// An AWS SAM template (Transform AWS::Serverless-2016-10-31) as an AppModel: Parameters with
// overrides, Conditions, Mappings, Globals.Function, the supported resource types and the
// Api/HttpApi, S3, SQS and Schedule/ScheduleV2 events of functions.
import { emptyModel, functionArn, queueArn, queueUrl, type AppModel, type BucketSpec, type DeployContext, type FunctionSpec, type QueueSpec } from './app-model.js';
import { AppError, Problems } from './app-error.js';
import { IntrinsicError, resolveIntrinsics, type IntrinsicScope } from './intrinsics.js';
import { samFunction } from './sam-function.js';
import { addMapping, addNotification, addRoute, addSchedule, emptyTriggers, keyFilter, type Triggers } from './trigger-specs.js';
import { optionalNumber, optionalString, record, stringList } from './values.js';

const FUNCTION = 'AWS::Serverless::Function';
const BUCKET = 'AWS::S3::Bucket';
const QUEUE = 'AWS::SQS::Queue';
/** Resource types Nimbus needs nothing from: its routes have one table, and it checks no IAM. */
const NOTED = new Set(['AWS::Serverless::HttpApi', 'AWS::Serverless::Api', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup']);
/** Event properties read per type; ApiId/RestApiId name the one route table Nimbus has, so they need nothing. */
const EVENT_PROPERTIES: Record<string, readonly string[]> = {
  Api: ['Path', 'Method', 'RestApiId'],
  HttpApi: ['Path', 'Method', 'ApiId', 'PayloadFormatVersion', 'TimeoutInMillis'],
  S3: ['Bucket', 'Events', 'Filter'],
  SQS: ['Queue', 'BatchSize', 'Enabled', 'MaximumBatchingWindowInSeconds', 'FunctionResponseTypes', 'ScalingConfig'],
  Schedule: ['Schedule', 'Input', 'Enabled', 'Name', 'Description', 'State'],
  ScheduleV2: ['ScheduleExpression', 'ScheduleExpressionTimezone', 'Input', 'State', 'Name', 'Description'],
};
const QUEUE_ATTRIBUTES = ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds', 'FifoQueue', 'ContentBasedDeduplication', 'RedrivePolicy'];
const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Transform', 'Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Globals', 'Resources', 'Outputs']);

export interface ReadApp { readonly model: AppModel; readonly notes: readonly string[] }

interface Resource { readonly Type: string; readonly Properties: Record<string, unknown>; readonly Condition?: string }

/** A parameter's Default as CloudFormation passes it on: lists (CommaDelimitedList) joined by commas. */
function defaultOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(String).join(',');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function parameters(doc: Record<string, unknown>, overrides: Readonly<Record<string, string>>, problems: Problems): Map<string, string> {
  const out = new Map<string, string>();
  const declared = record(doc.Parameters ?? {}, 'Parameters', problems);
  for (const [name, raw] of Object.entries(declared)) {
    const p = record(raw, `Parameters.${name}`, problems);
    const value = overrides[name] ?? defaultOf(p.Default);
    if (value === undefined) problems.add(`parameter ${name} has no Default and no --parameter-overrides ${name}=…`);
    else if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(value)) problems.add(`parameter ${name}=${value} is not one of its AllowedValues ${p.AllowedValues.map(String).join(', ')}`);
    else out.set(name, value);
  }
  for (const name of Object.keys(overrides)) if (!(name in declared)) problems.add(`--parameter-overrides names ${name}, which the template does not declare`);
  return out;
}

/** Globals.Function under the function's own properties; Environment.Variables merge key by key, as SAM does. */
function withGlobals(globals: Record<string, unknown>, props: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...globals, ...props };
  const g = (globals.Environment as { Variables?: object } | undefined)?.Variables;
  const p = (props.Environment as { Variables?: object } | undefined)?.Variables;
  if (g !== undefined || p !== undefined) merged.Environment = { Variables: { ...g, ...p } };
  return merged;
}

class SamReader {
  readonly problems = new Problems();
  readonly notes: string[] = [];
  readonly resources: Record<string, Resource> = {};
  readonly scope: IntrinsicScope;
  readonly #params: Map<string, string>;
  readonly #conditions: Record<string, unknown>;
  readonly #conditionValues = new Map<string, boolean>();

  constructor(readonly doc: Record<string, unknown>, readonly ctx: DeployContext) {
    for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) this.problems.add(`top-level section ${key} is not supported`);
    this.#params = parameters(doc, ctx.parameterOverrides, this.problems);
    this.problems.check(); // every later Ref to a parameter would repeat a parameter's problem
    this.#conditions = record(doc.Conditions ?? {}, 'Conditions', this.problems);
    for (const [id, raw] of Object.entries(record(doc.Resources ?? {}, 'Resources', this.problems))) {
      const r = record(raw, `Resources.${id}`, this.problems);
      if (typeof r.Type !== 'string') this.problems.add(`Resources.${id} has no Type`);
      else this.resources[id] = { Type: r.Type, Properties: record(r.Properties ?? {}, `Resources.${id}.Properties`, this.problems), ...(typeof r.Condition === 'string' ? { Condition: r.Condition } : {}) };
    }
    this.scope = {
      ref: (name) => this.#ref(name),
      getAtt: (id, attribute) => this.#getAtt(id, attribute),
      condition: (name) => this.#condition(name),
      mappings: record(doc.Mappings ?? {}, 'Mappings', this.problems) as IntrinsicScope['mappings'],
    };
  }

  #condition(name: string): boolean | undefined {
    if (!(name in this.#conditions)) return undefined;
    let value = this.#conditionValues.get(name);
    if (value === undefined) {
      value = Boolean(resolveIntrinsics(this.#conditions[name], this.scope));
      this.#conditionValues.set(name, value);
    }
    return value;
  }

  #ref(name: string): string | undefined {
    const pseudo: Record<string, string> = { 'AWS::Region': this.ctx.region, 'AWS::AccountId': this.ctx.accountId, 'AWS::StackName': this.ctx.app, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackId': `arn:aws:cloudformation:${this.ctx.region}:${this.ctx.accountId}:stack/${this.ctx.app}` };
    if (name in pseudo) return pseudo[name];
    if (this.#params.has(name)) return this.#params.get(name);
    const r = this.resources[name];
    if (r === undefined) return undefined;
    return r.Type === QUEUE ? queueUrl(this.ctx, this.physicalName(name)) : this.physicalName(name);
  }

  #getAtt(id: string, attribute: string): string | undefined {
    const r = this.resources[id];
    if (r === undefined) return undefined;
    const name = this.physicalName(id);
    const table: Record<string, Record<string, string>> = {
      [FUNCTION]: { Arn: functionArn(this.ctx, name) },
      [BUCKET]: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.localhost` },
      [QUEUE]: { Arn: queueArn(this.ctx, name), QueueName: name, QueueUrl: queueUrl(this.ctx, name) },
    };
    return table[r.Type]?.[attribute];
  }

  /** The name on the platform: the template's own (FunctionName, BucketName, QueueName) or app-LogicalId. */
  physicalName(id: string): string {
    const r = this.resources[id];
    const key = r?.Type === FUNCTION ? 'FunctionName' : r?.Type === BUCKET ? 'BucketName' : r?.Type === QUEUE ? 'QueueName' : undefined;
    const given = key === undefined ? undefined : r?.Properties[key];
    if (given !== undefined) return String(resolveIntrinsics(given, this.scope));
    const name = `${this.ctx.app}-${id}`;
    return r?.Type === BUCKET ? name.toLowerCase() : name;
  }

  resolve(value: unknown, where: string): unknown {
    try {
      return resolveIntrinsics(value, this.scope);
    } catch (err) {
      if (!(err instanceof IntrinsicError)) throw err;
      this.problems.add(`${where}: ${err.message}`);
      return undefined;
    }
  }

  included(id: string, r: Resource): boolean {
    if (r.Condition === undefined) return true;
    const value = this.#condition(r.Condition);
    if (value === undefined) this.problems.add(`${id}: unknown condition '${r.Condition}'`);
    return value === true;
  }
}

/** Schedule inputs are JSON text in SAM. */
function jsonInput(value: unknown, where: string, problems: Problems): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(typeof value === 'string' ? value : JSON.stringify(value)) as unknown;
  } catch {
    problems.add(`${where} must be JSON text`);
    return undefined;
  }
}

function samEvents(reader: SamReader, id: string, fn: FunctionSpec, events: Record<string, unknown>, t: Triggers): void {
  const { problems } = reader;
  for (const [eventId, raw] of Object.entries(events)) {
    const where = `${id}.Events.${eventId}`;
    const e = record(raw, where, problems);
    const p = record(e.Properties ?? {}, `${where}.Properties`, problems);
    const known = EVENT_PROPERTIES[String(e.Type)];
    for (const key of Object.keys(p)) if (known !== undefined && !known.includes(key)) problems.add(`${where}: ${String(e.Type)} event property ${key} is not supported`);
    switch (e.Type) {
      case 'Api':
      case 'HttpApi':
        addRoute(t, optionalString(p.Method, `${where}.Method`, problems), optionalString(p.Path, `${where}.Path`, problems), fn.name, fn.alias, where, problems);
        break;
      case 'S3': {
        const bucket = optionalString(p.Bucket, `${where}.Bucket`, problems);
        if (bucket === undefined) problems.add(`${where}: Bucket is required (a !Ref to an AWS::S3::Bucket of the template)`);
        const filter = keyFilter((p.Filter as { S3Key?: { Rules?: unknown } } | undefined)?.S3Key?.Rules);
        addNotification(t, { bucket: bucket ?? '', function: fn.name, events: stringList(p.Events, `${where}.Events`, problems), ...filter });
        break;
      }
      case 'SQS': {
        const queue = optionalString(p.Queue, `${where}.Queue`, problems);
        if (queue === undefined) problems.add(`${where}: Queue (a queue ARN) is required`);
        addMapping(t, { function: fn.name, queue: queue ?? '', batchSize: optionalNumber(p.BatchSize, `${where}.BatchSize`, problems),
          batchingWindowSeconds: optionalNumber(p.MaximumBatchingWindowInSeconds, `${where}.MaximumBatchingWindowInSeconds`, problems),
          ...(p.FunctionResponseTypes === undefined ? {} : { functionResponseTypes: stringList(p.FunctionResponseTypes, `${where}.FunctionResponseTypes`, problems) }),
          ...(p.ScalingConfig === undefined ? {} : { maximumConcurrency: optionalNumber(record(p.ScalingConfig, `${where}.ScalingConfig`, problems).MaximumConcurrency, `${where}.ScalingConfig.MaximumConcurrency`, problems) }),
          enabled: p.Enabled !== false }, where, problems);
        break;
      }
      case 'Schedule':
      case 'ScheduleV2': {
        const expression = optionalString(e.Type === 'Schedule' ? p.Schedule : p.ScheduleExpression, `${where}.${e.Type === 'Schedule' ? 'Schedule' : 'ScheduleExpression'}`, problems);
        if (expression === undefined) problems.add(`${where}: the schedule expression is required`);
        const input = jsonInput(p.Input, `${where}.Input`, problems);
        addSchedule(t, {
          name: optionalString(p.Name, `${where}.Name`, problems) ?? `${reader.ctx.app}-${id}-${eventId}`, function: fn.name, expression: expression ?? '',
          timezone: optionalString(p.ScheduleExpressionTimezone, `${where}.ScheduleExpressionTimezone`, problems), input,
          enabled: p.Enabled !== false && p.State !== 'DISABLED',
        }, where, problems);
        break;
      }
      default:
        problems.add(`${where}: event type ${JSON.stringify(e.Type)} is not supported (Api, HttpApi, S3, SQS, Schedule, ScheduleV2 are)`);
    }
  }
}

function queueSpec(reader: SamReader, id: string, props: Record<string, unknown>): QueueSpec {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === 'QueueName' || key === 'Tags') continue;
    if (!QUEUE_ATTRIBUTES.includes(key)) reader.problems.add(`${id} (${QUEUE}): property ${key} is not supported`);
    else attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { name: reader.physicalName(id), attributes };
}

export function readSamTemplate(doc: Record<string, unknown>, ctx: DeployContext): ReadApp {
  const reader = new SamReader(doc, ctx);
  const { problems } = reader;
  const model = emptyModel(ctx.app);
  const functions: Record<string, FunctionSpec> = {};
  const buckets: Record<string, BucketSpec> = {};
  const queues: Record<string, QueueSpec> = {};
  const triggers = emptyTriggers();
  const globals = record(record(doc.Globals ?? {}, 'Globals', problems).Function ?? {}, 'Globals.Function', problems);
  for (const [id, r] of Object.entries(reader.resources)) {
    if (!reader.included(id, r)) continue;
    const props = reader.resolve(r.Type === FUNCTION ? withGlobals(globals, r.Properties) : r.Properties, id) as Record<string, unknown> | undefined;
    if (props === undefined) continue;
    if (r.Type === FUNCTION) {
      const fn = samFunction(id, reader.physicalName(id), props, ctx.baseDir, problems, reader.notes);
      functions[fn.name] = fn;
      samEvents(reader, id, fn, record(props.Events ?? {}, `${id}.Events`, problems), triggers);
    } else if (r.Type === BUCKET) {
      for (const key of Object.keys(props)) if (key !== 'BucketName' && key !== 'Tags') problems.add(`${id} (${BUCKET}): property ${key} is not supported`);
      buckets[reader.physicalName(id)] = { name: reader.physicalName(id) };
    } else if (r.Type === QUEUE) {
      const q = queueSpec(reader, id, props);
      queues[q.name] = q;
    } else if (NOTED.has(r.Type)) reader.notes.push(`${id} (${r.Type}) needs nothing on Nimbus`);
    else problems.add(`${id}: resource type ${r.Type} is not supported`);
  }
  problems.check();
  if (Object.keys(functions).length === 0 && Object.keys(buckets).length === 0 && Object.keys(queues).length === 0) throw new AppError(['the template declares no resources Nimbus deploys']);
  return { model: { ...model, functions, buckets, queues, ...triggers }, notes: reader.notes };
}
