// Where sandboxes keep their slots, temp dirs and runtime files. When the platform runs
// as root the guest runs as an unprivileged uid, which must be able to reach all of
// these; a repo or data dir under a private home (/root is 0700) is not reachable, so
// the work dir then moves to the temp dir and the runtime files are staged there as
// hardlinks (copies across filesystems). The work dir is this platform's alone (one
// server per data dir) and is cleared at every start: nothing in it is state.
// `platform/` in it (a temp dir when that path is too long for a socket) holds only the
// Unix socket the platform serves its API on, so a driver can bind that directory into
// sandboxes without exposing anything else, before the socket exists.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { assertOthersCanRead } from './sandbox/launch.js';
import { defaultRuntimeFiles, type RuntimeFiles } from './sandbox/paths.js';

const run = promisify(execFile);
/** Longest Unix socket path (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
const SOCKET_NAME = 'api.sock';

export interface SandboxDirs {
  readonly workDir: string;
  readonly runtime: RuntimeFiles;
  /**
   * Where the platform serves its API on a Unix socket for sandboxes; the socket is created
   * later (at listen), its directory exists now and holds nothing else.
   */
  readonly platformSocket: string;
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
  const languagesDir = path.join(into, 'runtimes');
  await linkTree(files.languagesDir, languagesDir);
  let sdkNodeModules: string | undefined;
  if (files.sdkNodeModules !== undefined) {
    sdkNodeModules = path.join(into, 'node_modules');
    await linkTree(files.sdkNodeModules, sdkNodeModules);
  }
  await run('chmod', ['-R', 'o+rX', into]);
  return { guestDir, protocolDir, packageJson, languagesDir, sdkNodeModules };
}

/** An empty directory for the platform socket (0755: the sandbox uid must search it). */
async function preparePlatformSocket(workDir: string, id: string, notes: string[]): Promise<string> {
  let dir = path.join(workDir, 'platform');
  if (path.join(dir, SOCKET_NAME).length > MAX_SOCKET_PATH) {
    dir = path.join(os.tmpdir(), `nimbus-platform-${id}`);
    notes.push(`the sandbox work dir's path is too long for a Unix socket; the platform socket is in ${dir}`);
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  return path.join(dir, SOCKET_NAME);
}

export async function prepareSandboxDirs(dataDir: string): Promise<SandboxDirs> {
  const runtime = defaultRuntimeFiles();
  const unprivilegedGuest = process.getuid?.() === 0;
  const notes: string[] = [];
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  let workDir = path.join(dataDir, 'sandboxes');
  if (unprivilegedGuest && !othersCanRead(dataDir)) {
    workDir = path.join(os.tmpdir(), `nimbus-sandboxes-${id}`);
    notes.push(`the data dir is not reachable by the sandbox uid; sandbox work dir is ${workDir}`);
  }
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true, mode: 0o711 });
  const platformSocket = await preparePlatformSocket(path.resolve(workDir), id, notes);
  const reachable = [runtime.guestDir, runtime.protocolDir, runtime.packageJson, ...(runtime.sdkNodeModules ? [runtime.sdkNodeModules] : [])].every(othersCanRead);
  if (!unprivilegedGuest || reachable) return { workDir, runtime, platformSocket, notes };
  notes.push(`the platform's files are not reachable by the sandbox uid; staged them in ${path.join(workDir, 'runtime')}`);
  return { workDir, runtime: await stageRuntime(runtime, path.join(workDir, 'runtime')), platformSocket, notes };
}
