// The runtimes a function may name. Every nodejs* runtime is executed by the Node.js
// that runs the platform; GET /nimbus/v1/runtimes and docs/runtimes.md say so instead of
// pretending to have each version.
export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'] as const;
export const SUPPORTED_RUNTIMES: readonly string[] = NODE_RUNTIMES;

export interface RuntimeInfo {
  readonly runtime: string;
  /** What actually runs handlers of this runtime on this node. */
  readonly executedBy: string;
}

export function describeRuntimes(nodeVersion: string): readonly RuntimeInfo[] {
  return NODE_RUNTIMES.map((runtime) => ({ runtime, executedBy: `node ${nodeVersion}` }));
}
