// FunctionConfiguration and friends, in the Lambda API's own field names and order
// (lambda-reference §1.5).
import type { ProvisionedConfigView } from '../../control/functions/provisioned-concurrency-service.js';
import type { FunctionRecord, FunctionVersionRecord } from '../../store/records.js';
import type { AliasRecord } from '../../store/version-ports.js';
import { functionArn } from '../../util/arn.js';

export interface RenderOptions {
  /** ListFunctions items omit State, LastUpdateStatus and RuntimeVersionConfig (recorded). */
  readonly forList?: boolean;
  /** Qualifier shown in FunctionArn (`$LATEST` when asked for explicitly). */
  readonly arnQualifier?: string | undefined;
}

export function renderConfiguration(v: FunctionVersionRecord, options: RenderOptions = {}): Record<string, unknown> {
  const s = v.settings;
  const out: Record<string, unknown> = {
    FunctionName: v.name,
    FunctionArn: functionArn(v.region, v.account, v.name, options.arnQualifier),
    Runtime: s.runtime,
    Role: s.role,
    Handler: s.handler,
    CodeSize: v.code.size,
    Description: s.description,
    Timeout: s.timeout,
    MemorySize: s.memorySize,
    LastModified: v.lastModified,
    CodeSha256: v.code.sha256,
    Version: v.version,
  };
  if (s.environment !== undefined) out.Environment = { Variables: s.environment };
  if (s.deadLetterTargetArn !== undefined) out.DeadLetterConfig = { TargetArn: s.deadLetterTargetArn };
  out.TracingConfig = { Mode: s.tracingMode };
  if (s.layers !== undefined && s.layers.length > 0) out.Layers = s.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize }));
  out.RevisionId = v.revisionId;
  if (!options.forList) {
    out.State = v.state;
    if (v.stateReason !== undefined) out.StateReason = v.stateReason;
    if (v.stateReasonCode !== undefined) out.StateReasonCode = v.stateReasonCode;
    out.LastUpdateStatus = v.lastUpdateStatus;
    if (v.lastUpdateStatusReason !== undefined) out.LastUpdateStatusReason = v.lastUpdateStatusReason;
    if (v.lastUpdateStatusReasonCode !== undefined) out.LastUpdateStatusReasonCode = v.lastUpdateStatusReasonCode;
  }
  out.PackageType = 'Zip';
  out.Architectures = s.architectures;
  out.EphemeralStorage = { Size: s.ephemeralStorageMb };
  out.SnapStart = { ApplyOn: 'None', OptimizationStatus: 'Off' };
  if (!options.forList) out.RuntimeVersionConfig = { RuntimeVersionArn: `arn:aws:lambda:${v.region}::runtime:nimbus-${s.runtime}` };
  out.LoggingConfig = { LogFormat: s.logFormat, LogGroup: s.logGroup ?? `/aws/lambda/${v.name}` };
  return out;
}

/** GetFunction: configuration of the version asked for, code location, and tags/concurrency only when set. */
export function renderGetFunction(fn: FunctionRecord, version: FunctionVersionRecord, codeLocation: string, arnQualifier: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Configuration: renderConfiguration(version, { arnQualifier }),
    Code: { RepositoryType: 'S3', Location: codeLocation },
  };
  if (Object.keys(fn.tags).length > 0) out.Tags = fn.tags;
  if (fn.reservedConcurrency !== undefined) out.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrency };
  return out;
}

/** AliasConfiguration; RoutingConfig only when the alias splits calls. */
export function renderAlias(a: AliasRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AliasArn: functionArn(a.region, a.account, a.name, a.alias),
    Name: a.alias,
    FunctionVersion: a.functionVersion,
    Description: a.description,
  };
  if (Object.keys(a.additionalVersionWeights).length > 0) out.RoutingConfig = { AdditionalVersionWeights: a.additionalVersionWeights };
  out.RevisionId = a.revisionId;
  return out;
}

/** A provisioned concurrency config as Get returns it; list items lead with the qualified FunctionArn. */
export function renderProvisionedConfig(view: ProvisionedConfigView, withArn: boolean): Record<string, unknown> {
  const { config: c, status: s } = view;
  const out: Record<string, unknown> = withArn ? { FunctionArn: functionArn(c.region, c.account, c.name, c.qualifier) } : {};
  out.RequestedProvisionedConcurrentExecutions = c.requested;
  out.AvailableProvisionedConcurrentExecutions = s.available;
  out.AllocatedProvisionedConcurrentExecutions = s.allocated;
  out.Status = s.status;
  if (s.reason !== undefined) out.StatusReason = s.reason;
  out.LastModified = c.lastModified;
  return out;
}
