// The runtimes a function may name. Every nodejs* runtime is executed by the Node.js
// that runs the platform, and every python3.* one by the host's python3 (/usr/bin/python3);
// GET /nimbus/v1/runtimes and docs/runtimes.md say so instead of pretending to have each
// version. provided.* runs the function's own `bootstrap` against the Runtime API.
import { spawnSync } from 'node:child_process';

export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'] as const;
export const PYTHON_RUNTIMES = ['python3.11', 'python3.12'] as const;
export const PROVIDED_RUNTIMES = ['provided.al2023', 'provided.al2'] as const;
export const SUPPORTED_RUNTIMES: readonly string[] = [...NODE_RUNTIMES, ...PYTHON_RUNTIMES, ...PROVIDED_RUNTIMES];

/** The interpreter python3.* functions run on; bound read-only into every sandbox with /usr. */
export const HOST_PYTHON = '/usr/bin/python3';

export interface RuntimeInfo {
  readonly runtime: string;
  /** What actually runs handlers of this runtime on this node. */
  readonly executedBy: string;
}

let pythonVersion: string | null | undefined;

/** `Python 3.11.2` of HOST_PYTHON (asked once), or undefined when it is missing. */
export function hostPythonVersion(): string | undefined {
  if (pythonVersion === undefined) {
    const out = spawnSync(HOST_PYTHON, ['--version'], { encoding: 'utf8', timeout: 5000 });
    pythonVersion = out.status === 0 ? `${out.stdout}${out.stderr}`.trim() : null;
  }
  return pythonVersion ?? undefined;
}

export function describeRuntimes(nodeVersion: string, python = hostPythonVersion()): readonly RuntimeInfo[] {
  return [
    ...NODE_RUNTIMES.map((runtime) => ({ runtime, executedBy: `node ${nodeVersion}` })),
    ...PYTHON_RUNTIMES.map((runtime) => ({ runtime, executedBy: python === undefined ? `${HOST_PYTHON} (not found on this host)` : `${HOST_PYTHON} ${python}` })),
    ...PROVIDED_RUNTIMES.map((runtime) => ({ runtime, executedBy: "the function's bootstrap over the Runtime API" })),
  ];
}
