// Which process runs a function's handlers. Node.js runtimes: none (the guest loads the
// handler itself). Custom runtimes: the argv of the bootstrap the guest starts against the
// Runtime API (guest/runtime-api/) — the function's own `bootstrap` for provided.*, the
// built-in Python bootstrap (runtimes/python/) on the host's python3 for python3.*.
import path from 'node:path';

const HOST_PYTHON = '/usr/bin/python3';

export function runtimeBootstrap(runtime: string, taskRoot: string, languagesDir: string): readonly string[] | undefined {
  if (runtime.startsWith('provided.')) return [path.posix.join(taskRoot, 'bootstrap')];
  if (runtime.startsWith('python3.')) return [HOST_PYTHON, '-u', path.posix.join(languagesDir, 'python', 'bootstrap.py')];
  return undefined;
}

/** AWS_EXECUTION_ENV as Lambda sets it: absent for provided.* (lambda-reference §4.1). */
export function executionEnv(runtime: string): string | undefined {
  return runtime.startsWith('provided.') ? undefined : `AWS_Lambda_${runtime}`;
}
