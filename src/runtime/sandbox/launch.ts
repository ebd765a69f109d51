// How a sandbox process is launched, shared by the drivers:
//   /bin/sh -c <join cgroups; ulimits; exec> → [setpriv --reuid … ] → the driver's command
// The shell writes its own pid into the sandbox's cgroup.procs files *before* exec'ing, so
// every process of the sandbox is born inside its cgroup; sh, setpriv and bwrap all exec,
// so the pid we hold is the outermost sandbox process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface LaunchCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface WrapOptions {
  /** cgroup.procs files to join first. */
  readonly procsFiles: readonly string[];
  /** Drop to this uid/gid with setpriv (only when running as root). */
  readonly dropTo: { readonly uid: number; readonly gid: number } | undefined;
  /** setpriv --no-new-privs (not for bwrap, which must be able to set up namespaces). */
  readonly noNewPrivs: boolean;
}

/** Lambda's 1024 file descriptors; no core dumps of function memory. */
const WRAPPER = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done',
  'ulimit -n 1024 2>/dev/null; ulimit -c 0 2>/dev/null',
  'exec "$@"',
].join('\n');

export function wrapCommand(inner: LaunchCommand, options: WrapOptions): LaunchCommand {
  const priv = options.dropTo
    ? ['/usr/bin/setpriv', `--reuid=${options.dropTo.uid}`, `--regid=${options.dropTo.gid}`, '--clear-groups', ...(options.noNewPrivs ? ['--no-new-privs'] : []), '--']
    : [];
  return {
    command: '/bin/sh',
    args: ['-c', WRAPPER, 'sh', String(options.procsFiles.length), ...options.procsFiles, ...priv, inner.command, ...inner.args],
  };
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function setprivAvailable(): boolean {
  return fs.existsSync('/usr/bin/setpriv');
}

export function prlimitAvailable(): boolean {
  return fs.existsSync('/usr/bin/prlimit');
}

/** Follows first children from pid down to the leaf (bwrap → its pid-1 → node). */
export function leafDescendant(pid: number): number | undefined {
  let current = pid;
  for (let depth = 0; depth < 8; depth++) {
    let children: string;
    try {
      children = fs.readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim();
    } catch {
      return depth === 0 ? undefined : current;
    }
    const first = Number(children.split(' ')[0]);
    if (!(first > 0)) return current;
    current = first;
  }
  return current;
}

/**
 * A /proc or cgroupfs file read again and again: opened once and pread at offset 0, which
 * regenerates its content (~5 µs instead of ~30 µs for open+read+close; this runs on every
 * invocation to report Max Memory Used).
 */
export class PreadFile {
  readonly #path: string;
  #fd: number | undefined;
  #buf = Buffer.alloc(4096);
  #closed = false;

  constructor(file: string) {
    this.#path = file;
  }

  read(): string | undefined {
    if (this.#closed) return undefined;
    try {
      this.#fd ??= fs.openSync(this.#path, 'r');
      const n = fs.readSync(this.#fd, this.#buf, 0, this.#buf.length, 0);
      return this.#buf.toString('latin1', 0, n);
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#fd !== undefined) fs.closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** VmHWM (peak RSS) in bytes from a /proc/<pid>/status reader. */
export function parseVmHwm(status: string | undefined): number | undefined {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status ?? '');
  return m ? Number(m[1]) * 1024 : undefined;
}

/** RLIMIT_DATA on a running process (the memory limit when there is no cgroup). */
export function setDataLimit(pid: number, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/prlimit', [`--pid=${pid}`, `--data=${bytes}:${bytes}`], { env: { PATH: '/usr/bin:/bin' }, timeout: 5000 }, (err) => (err ? reject(new Error(`prlimit --pid ${pid} failed: ${err.message}`, { cause: err })) : resolve()));
  });
}

/**
 * Throws unless `target` can be read by a process that is neither its owner nor in its group
 * (the guest runs as an unprivileged uid): every ancestor needs o+x, the target o+r.
 */
export function assertOthersCanRead(target: string, what: string): void {
  const abs = path.resolve(target);
  const parts = abs.split(path.sep).filter(Boolean);
  let current = '/';
  for (let i = 0; i <= parts.length; i++) {
    const st = fs.statSync(current);
    const isTarget = i === parts.length;
    const need = isTarget ? (st.isDirectory() ? 0o005 : 0o004) : 0o001;
    if ((st.mode & need) !== need) {
      throw new Error(
        `${what}: ${current} is not ${isTarget ? 'readable' : 'searchable'} by other users (mode ${(st.mode & 0o777).toString(8)}), ` +
          `but the sandbox runs as an unprivileged uid; chmod o+${isTarget ? 'r' : 'x'} it or move it`,
      );
    }
    const next = parts[i];
    if (next !== undefined) current = path.join(current, next);
  }
}

/**
 * The memory limit when there is no cgroup: RLIMIT_DATA of memoryMb plus node's own
 * baseline (~56 MiB of data mappings before any user code, measured with prlimit). A
 * handler then gets a catchable RangeError (Buffers) or a V8 abort (heap), not an OOM kill.
 */
export function limitDataFallback(guestPid: number, memoryMb: number): Promise<void> {
  return setDataLimit(guestPid, (memoryMb + 64) * 1024 * 1024);
}
