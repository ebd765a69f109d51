// The cluster's membership for operators and the dashboard, unsigned like the rest of the
// admin surface:
//   GET /nimbus/v1/cluster → { mode: 'single' | 'cluster', nodeId, nodes: [{ nodeId, url, version, startedAt, heartbeatAt, alive }] }
// A single node answers with itself only.
import type { Route } from '../http/types.js';
import type { NodeRecord } from '../../cluster/node-registry.js';

export interface ClusterView {
  readonly nodeId: string;
  /** Undefined on a single node. */
  readonly list: (() => Promise<readonly NodeRecord[]>) | undefined;
  readonly url: () => string;
  readonly version: string;
  readonly startedAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function clusterRoutes(view: ClusterView): Route[] {
  return [{
    method: 'GET', path: '/nimbus/v1/cluster', maxBodyBytes: 0,
    async handle() {
      const nodes = view.list === undefined
        ? [{ nodeId: view.nodeId, url: view.url(), version: view.version, startedAt: view.startedAt, heartbeatAt: view.startedAt, alive: true }]
        : await view.list();
      return {
        status: 200,
        body: {
          mode: view.list === undefined ? 'single' : 'cluster',
          nodeId: view.nodeId,
          nodes: nodes.map((n) => ({ ...n, startedAt: iso(n.startedAt), heartbeatAt: iso(n.heartbeatAt) })),
        },
      };
    },
  }];
}
