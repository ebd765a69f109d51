// The CloudWatch Logs API surface (protocol awsJson1_1, API version 2014-03-28), so that
// `aws logs tail --follow`, `aws logs filter-log-events`, `get-log-events` and
// @aws-sdk/client-cloudwatch-logs read function logs. Every operation is
// `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`, signed for the service `logs`.
// Groups and streams are those of the request's account and region (`req.scope`).
import type { LogRepository } from '../../store/ports.js';
import type { Scope } from '../../store/records.js';
import type { ApiRequest, ApiResponse, Route, Surface } from '../http/types.js';
import { describeLogGroups, describeLogStreams } from './describe.js';
import { JSON_REFUSAL_CODES } from '../lambda/surface.js';
import { LOGS_CONTENT_TYPE, LogsError, renderLogsError, type LogsErrorType } from './errors.js';
import { filterLogEvents, getLogEvents } from './events.js';

export interface LogsDeps {
  readonly logs: LogRepository;
}

type Operation = (logs: LogRepository, scope: Scope, body: Buffer) => Promise<Record<string, unknown>>;

const TARGET_PREFIX = 'Logs_20140328.';
const OPERATIONS: Readonly<Record<string, Operation>> = {
  FilterLogEvents: filterLogEvents,
  GetLogEvents: getLogEvents,
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
};
/** Requests are small JSON documents; 1 MiB is far above any real one. */
const MAX_BODY = 1024 * 1024;

function operationOf(req: ApiRequest): Operation {
  const raw = req.headers['x-amz-target'];
  const target = Array.isArray(raw) ? raw[0] : raw;
  if (target === undefined || target === '') {
    throw new LogsError('UnknownOperationException', 'Missing the X-Amz-Target header; CloudWatch Logs requests name the operation as Logs_20140328.<Operation>.');
  }
  const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const operation = name === undefined ? undefined : OPERATIONS[name];
  if (operation === undefined) {
    throw new LogsError('UnknownOperationException', `Nimbus does not serve the CloudWatch Logs operation '${target}'; it serves ${Object.keys(OPERATIONS).join(', ')}.`);
  }
  return operation;
}

export function createLogsSurface(deps: LogsDeps): Surface {
  const route: Route = {
    method: 'POST', path: '/', maxBodyBytes: MAX_BODY, errorLabel: 'CloudWatch Logs',
    async handle(req): Promise<ApiResponse> {
      try {
        const body = await operationOf(req)(deps.logs, req.scope, req.body);
        return { status: 200, headers: { 'content-type': LOGS_CONTENT_TYPE }, body };
      } catch (err) {
        // Rendered here: the shared server reports every non-NimbusError as the platform's fault.
        if (err instanceof LogsError) return renderLogsError(err);
        throw err;
      }
    },
  };
  return {
    name: 'CloudWatch Logs',
    services: ['logs'],
    // Unsigned requests are not routed here: `POST /` alone cannot tell Logs from the
    // other JSON-protocol services that will share the port; the SDK and CLI always sign.
    matchesUnsigned: () => false,
    routes: [route],
    renderError: (err) => renderLogsError(err),
    auth: {
      surface: 'logs',
      renderRefusal: (refusal) => renderLogsError(new LogsError(JSON_REFUSAL_CODES[refusal.code] as LogsErrorType, refusal.message, 403)),
    },
  };
}
