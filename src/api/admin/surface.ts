// Nimbus's own API under /nimbus/v1: health, the runtime list and code downloads
// (GetFunction's Code.Location points here). Error shape as the Lambda API's.
import { describeRuntimes } from '../../control/functions/runtimes.js';
import { NimbusError } from '../../errors.js';
import type { InstancesSnapshot } from '../../runtime/scheduler.js';
import type { BlobStore, EventQueue } from '../../store/ports.js';
import type { Route, Surface } from '../http/types.js';
import { renderLambdaError, renderLambdaRefusal } from '../lambda/surface.js';

export interface AdminDeps {
  readonly blobs: BlobStore;
  readonly nodeVersion: string;
  /** Readiness: false while starting or draining (503), never because of load. */
  readonly isReady: () => boolean;
  /** Live instances per function (`account/region/name`). */
  readonly instances: () => readonly InstancesSnapshot[];
  /** The sandbox driver in use and its isolation level. */
  readonly sandbox: { readonly driver: string; readonly isolation: string };
  readonly events: EventQueue;
  /** Routes other modules serve under /nimbus/v1 (the HTTP API's route table). */
  readonly extraRoutes?: readonly Route[];
}

const EVENT_STATUSES = ['queued', 'leased', 'succeeded', 'failed'] as const;

export function createAdminSurface(deps: AdminDeps): Surface {
  const routes: Route[] = [
    {
      method: 'GET', path: '/nimbus/v1/health', maxBodyBytes: 0,
      handle: () => Promise.resolve(deps.isReady() ? { status: 200, body: { status: 'ok' } } : { status: 503, body: { status: 'draining' } }),
    },
    {
      method: 'GET', path: '/nimbus/v1/runtimes', maxBodyBytes: 0,
      handle: () => Promise.resolve({ status: 200, body: { Runtimes: describeRuntimes(deps.nodeVersion) } }),
    },
    {
      method: 'GET', path: '/nimbus/v1/instances', maxBodyBytes: 0,
      handle: () => Promise.resolve({
        status: 200,
        body: {
          sandbox: deps.sandbox,
          functions: deps.instances().map((f) => {
            const [account, region, name] = f.functionId.split('/');
            return { account, region, name, live: f.live, idle: f.idle, starting: f.starting, waiting: f.waiting, queued: f.queued, cpuThrottled: f.cpuThrottled, idlePids: f.idlePids };
          }),
        },
      }),
    },
    {
      // Async events of the caller's scope, newest first: what is queued, running, retried, failed.
      method: 'GET', path: '/nimbus/v1/events', maxBodyBytes: 0,
      async handle(req) {
        const status = req.query.get('status') ?? undefined;
        if (status !== undefined && !(EVENT_STATUSES as readonly string[]).includes(status)) {
          throw new NimbusError('InvalidParameterValueException', `status: must be one of ${EVENT_STATUSES.join(', ')}`);
        }
        const limit = Number(req.query.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new NimbusError('InvalidParameterValueException', 'limit: must be an integer from 1 to 1000');
        const events = await deps.events.list({
          ...req.scope, name: req.query.get('function') ?? undefined, status: status as (typeof EVENT_STATUSES)[number] | undefined, limit,
        });
        return {
          status: 200,
          body: {
            Events: events.map((e) => ({
              RequestId: e.id, FunctionName: e.name, Qualifier: e.qualifier ?? '$LATEST', Source: e.source, Status: e.status,
              Attempts: e.attempts, Tries: e.tries, CreatedAt: new Date(e.createdAt).toISOString(),
              NextAttemptAt: e.status === 'queued' ? new Date(e.notBefore).toISOString() : undefined,
              UpdatedAt: new Date(e.updatedAt).toISOString(), LastError: e.lastError,
            })),
          },
        };
      },
    },
    {
      method: 'GET', path: '/nimbus/v1/code/:file', maxBodyBytes: 0,
      async handle(req) {
        const key = /^([0-9a-f]{64})\.zip$/.exec(req.params.file ?? '')?.[1];
        const zip = key === undefined ? undefined : await deps.blobs.get(key);
        if (!zip) throw new NimbusError('ResourceNotFoundException', 'No code package with this key.');
        return { status: 200, headers: { 'content-type': 'application/zip' }, body: zip };
      },
    },
    ...(deps.extraRoutes ?? []),
  ];
  return {
    name: 'Nimbus admin',
    services: ['nimbus'], // the CLI signs its admin requests for service `nimbus`
    matchesUnsigned: (path) => path.startsWith('/nimbus/'),
    routes,
    renderError: (err) => renderLambdaError(err),
    auth: { surface: 'admin', renderRefusal: renderLambdaRefusal },
  };
}
