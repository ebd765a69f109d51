// A Serverless Framework v3 service (`provider: aws`) read by translating it into the SAM
// template it stands for, so both files deploy through one model: functions become
// AWS::Serverless::Function named service-stage-key, their httpApi/http/s3/sqs/schedule
// events SAM events, s3 buckets (unless `existing: true`) and resources.Resources resources.
import type { DeployContext } from './app-model.js';
import { AppError, Problems } from './app-error.js';
import { readSamTemplate, type ReadApp } from './sam-template.js';
import { record } from './values.js';

const FUNCTION_KEYS: Record<string, string> = { handler: 'Handler', runtime: 'Runtime', memorySize: 'MemorySize', timeout: 'Timeout', description: 'Description', layers: 'Layers', reservedConcurrency: 'ReservedConcurrentExecutions' };
const FUNCTION_IGNORED = new Set(['events', 'environment', 'name', 'package', 'role', 'iamRoleStatements', 'tags']);

/** `${self:service}`, `${sls:stage}`, `${opt:stage, 'dev'}`, `${aws:region}`, `${env:X}`: what the Framework resolves before CloudFormation. */
function variables(value: unknown, vars: Record<string, string>, env: Readonly<Record<string, string | undefined>>, problems: Problems): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (whole, body: string) => {
      const [ref = '', fallback] = body.split(/,\s*/);
      const known = vars[ref.trim()] ?? (ref.startsWith('env:') ? env[ref.slice(4)] : undefined);
      if (known !== undefined) return known;
      if (fallback !== undefined) return fallback.replace(/^['"]|['"]$/g, '');
      problems.add(`serverless variable ${whole} is not supported or has no value`);
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v) => variables(v, vars, env, problems));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, variables(v, vars, env, problems)]));
  return value;
}

function httpEvent(spec: unknown, kind: 'HttpApi' | 'Api'): Record<string, unknown> {
  if (spec === '*') return { Type: kind };
  if (typeof spec === 'string') {
    const [method, routePath = '/'] = spec.trim().split(/\s+/);
    return { Type: kind, Properties: { Method: method, Path: routePath.startsWith('/') ? routePath : `/${routePath}` } };
  }
  const s = spec as { method?: string; path?: string };
  const p = s.path ?? '/';
  return { Type: kind, Properties: { Method: s.method ?? 'ANY', Path: p.startsWith('/') ? p : `/${p}` } };
}

function translateEvents(fnKey: string, events: unknown[], resources: Record<string, unknown>, problems: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  events.forEach((raw, i) => {
    const [[type, spec] = ['', undefined]] = Object.entries(record(raw, `functions.${fnKey}.events[${i}]`, problems));
    const id = `${type}${i + 1}`;
    switch (type) {
      case 'httpApi': out[id] = httpEvent(spec, 'HttpApi'); break;
      case 'http': out[id] = httpEvent(spec, 'Api'); break;
      case 's3': {
        const s = (typeof spec === 'string' ? { bucket: spec } : spec) as { bucket: string; event?: string; rules?: Record<string, string>[]; existing?: boolean };
        if (s.existing !== true) resources[`S3Bucket${s.bucket.replace(/[^A-Za-z0-9]/g, '')}`] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: s.bucket } };
        out[id] = { Type: 'S3', Properties: { Bucket: s.bucket, Events: s.event ?? 's3:ObjectCreated:*', ...(s.rules ? { Filter: { S3Key: { Rules: s.rules } } } : {}) } };
        break;
      }
      case 'sqs': {
        const s = (typeof spec === 'string' || (typeof spec === 'object' && spec !== null && !('arn' in spec)) ? { arn: spec } : spec) as {
          arn: unknown; batchSize?: number; enabled?: boolean; maximumBatchingWindow?: number; functionResponseType?: string; maximumConcurrency?: number;
        };
        out[id] = { Type: 'SQS', Properties: {
          Queue: s.arn, BatchSize: s.batchSize, Enabled: s.enabled, MaximumBatchingWindowInSeconds: s.maximumBatchingWindow,
          FunctionResponseTypes: s.functionResponseType === undefined ? undefined : [s.functionResponseType],
          ScalingConfig: s.maximumConcurrency === undefined ? undefined : { MaximumConcurrency: s.maximumConcurrency },
        } };
        break;
      }
      case 'schedule': {
        const s = (typeof spec === 'string' ? { rate: spec } : spec) as { rate: string | string[]; enabled?: boolean; input?: unknown; name?: string };
        const rates = Array.isArray(s.rate) ? s.rate : [s.rate];
        rates.forEach((rate, j) => {
          out[rates.length > 1 ? `${id}x${j + 1}` : id] = { Type: 'ScheduleV2', Properties: { ScheduleExpression: rate, State: s.enabled === false ? 'DISABLED' : 'ENABLED', ...(s.input === undefined ? {} : { Input: JSON.stringify(s.input) }), ...(s.name ? { Name: s.name } : {}) } };
        });
        break;
      }
      default:
        problems.add(`functions.${fnKey}.events[${i}]: event type ${type || '(none)'} is not supported (httpApi, http, s3, sqs, schedule are)`);
    }
  });
  return out;
}

export function readServerlessFile(raw: Record<string, unknown>, ctx: DeployContext, env: Readonly<Record<string, string | undefined>> = process.env): ReadApp {
  const problems = new Problems();
  const provider = record(raw.provider ?? {}, 'provider', problems);
  if (provider.name !== 'aws') throw new AppError([`provider.name must be aws, got ${JSON.stringify(provider.name)}`]);
  const stage = ctx.parameterOverrides.stage ?? (typeof provider.stage === 'string' ? provider.stage : 'dev');
  const service = String(raw.service);
  const vars = { 'self:service': service, 'sls:stage': stage, 'opt:stage': stage, 'self:provider.stage': stage, 'aws:region': ctx.region, 'aws:accountId': ctx.accountId };
  const doc = variables(raw, vars, env, problems) as Record<string, unknown>;
  const p = record(doc.provider, 'provider', problems);
  const resources: Record<string, unknown> = { ...record(record(doc.resources ?? {}, 'resources', problems).Resources ?? {}, 'resources.Resources', problems) };
  for (const [key, rawFn] of Object.entries(record(doc.functions ?? {}, 'functions', problems))) {
    const fn = record(rawFn, `functions.${key}`, problems);
    const props: Record<string, unknown> = {
      FunctionName: typeof fn.name === 'string' ? fn.name : `${service}-${stage}-${key}`, CodeUri: '.', Runtime: p.runtime, MemorySize: p.memorySize, Timeout: p.timeout,
      Environment: { Variables: { ...record(p.environment ?? {}, 'provider.environment', problems), ...record(fn.environment ?? {}, `functions.${key}.environment`, problems) } },
      Events: translateEvents(key, Array.isArray(fn.events) ? fn.events : [], resources, problems),
    };
    for (const [k, v] of Object.entries(fn)) {
      if (FUNCTION_KEYS[k] !== undefined) props[FUNCTION_KEYS[k]] = v;
      else if (!FUNCTION_IGNORED.has(k)) problems.add(`functions.${key}: property ${k} is not supported`);
    }
    resources[`${key.replace(/[^A-Za-z0-9]/g, '')}LambdaFunction`] = { Type: 'AWS::Serverless::Function', Properties: props };
  }
  problems.check();
  return readSamTemplate({ Resources: resources }, { ...ctx, parameterOverrides: {} });
}
