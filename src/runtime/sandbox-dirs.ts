// Where sandboxes keep their slots, temp dirs and runtime files. When the platform runs
// as root the guest runs as an unprivileged uid, which must be able to reach all of
// these; a repo or data dir under a private home (/root is 0700) is not reachable, so
// the work dir then moves to the temp dir and the runtime files are staged there as
// hardlinks (copies across filesystems). The work dir is this platform's alone (one
// server per data dir) and is cleared at every start: nothing in it is state.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { assertOthersCanRead } from './sandbox/launch.js';
import { defaultRuntimeFiles, type RuntimeFiles } from './sandbox/paths.js';

const run = promisify(execFile);

export interface SandboxDirs {
  readonly workDir: string;
  readonly runtime: RuntimeFiles;
  /** Why the default places were not used, for the start-up log. */
  readonly notes: readonly string[];
}

function othersCanRead(target: string): boolean {
  try {
    assertOthersCanRead(target, 'check');
    return true;
  } catch {
    return false;
  }
}

/** Hardlinks a tree (cp -al), or copies it when the two are on different filesystems. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true, mode: 0o755 });
  try {
    await run('cp', ['-al', from, to]);
  } catch {
    await rm(to, { recursive: true, force: true });
    await run('cp', ['-a', from, to]);
  }
}

async function stageRuntime(files: RuntimeFiles, into: string): Promise<RuntimeFiles> {
  const guestDir = path.join(into, 'dist', 'src', 'guest');
  const protocolDir = path.join(into, 'dist', 'src', 'protocol');
  const packageJson = path.join(into, 'package.json');
  await linkTree(files.guestDir, guestDir);
  await linkTree(files.protocolDir, protocolDir);
  await run('cp', ['-a', files.packageJson, packageJson]);
  let sdkNodeModules: string | undefined;
  if (files.sdkNodeModules !== undefined) {
    sdkNodeModules = path.join(into, 'node_modules');
    await linkTree(files.sdkNodeModules, sdkNodeModules);
  }
  await run('chmod', ['-R', 'o+rX', into]);
  return { guestDir, protocolDir, packageJson, sdkNodeModules };
}

export async function prepareSandboxDirs(dataDir: string): Promise<SandboxDirs> {
  const runtime = defaultRuntimeFiles();
  const unprivilegedGuest = process.getuid?.() === 0;
  const notes: string[] = [];
  let workDir = path.join(dataDir, 'sandboxes');
  if (unprivilegedGuest && !othersCanRead(dataDir)) {
    const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
    workDir = path.join(os.tmpdir(), `nimbus-sandboxes-${id}`);
    notes.push(`the data dir is not reachable by the sandbox uid; sandbox work dir is ${workDir}`);
  }
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true, mode: 0o711 });
  const reachable = [runtime.guestDir, runtime.protocolDir, runtime.packageJson, ...(runtime.sdkNodeModules ? [runtime.sdkNodeModules] : [])].every(othersCanRead);
  if (!unprivilegedGuest || reachable) return { workDir, runtime, notes };
  notes.push(`the platform's files are not reachable by the sandbox uid; staged them in ${path.join(workDir, 'runtime')}`);
  return { workDir, runtime: await stageRuntime(runtime, path.join(workDir, 'runtime')), notes };
}
