// One memory (+ pids, + cpu) cgroup per sandbox, when the platform runs as root and the memory
// controller is writable (sandbox-notes §3). Groups are nested under the cgroup the
// platform itself runs in (so whatever limits the platform has also bound its sandboxes),
// in `nimbus.<pid>.<n>/`, and a sandbox's processes join theirs before exec (see spawn.ts), so
// nothing ever runs outside it.
//   v1: memory.limit_in_bytes (+ memsw), memory.max_usage_in_bytes, oom_kill in memory.oom_control
//   v2: memory.max (+ swap.max 0), memory.peak, oom_kill in memory.events — needs a cgroup whose
//       subtree_control can enable memory; untested here (this box's v2 has no controllers).
// CPU, when the cpu controller is there (v1: its own hierarchy, often cpu,cpuacct; v2: +cpu),
// is a CFS quota proportional to MemorySize as Lambda allocates it: 1,769 MB = 1 vCPU.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PreadFile } from './launch.js';

/** Lambda's limit of processes/threads per execution environment. */
export const PIDS_MAX = 1024;
/** Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion to memory around it. */
export const MB_PER_VCPU = 1769;
/** CFS period (the kernel's default); the quota is the CPU time allowed per period. */
// 20 ms, not the kernel's default 100 ms: a 128 MB function over its share then waits at most
// ~19 ms for its next slice instead of ~93 ms (the same share, in finer steps).
export const CPU_PERIOD_US = 20_000;

/** cpu.max quota for a MemorySize: proportional, at least 1/16 vCPU, at most every core of the machine. */
export function cpuQuotaUs(memoryMb: number, cores = os.availableParallelism()): number {
  const share = Math.min(Math.max(memoryMb / MB_PER_VCPU, 1 / 16), cores);
  return Math.round(CPU_PERIOD_US * share);
}

interface Layout {
  readonly version: 1 | 2;
  /** v1: [memory base, pids base?, cpu base?]; v2: [unified base]. The first one holds the memory controller. */
  readonly bases: readonly string[];
  /** Index in bases of the group holding the cpu controller; undefined: no CPU limit. */
  readonly cpuIndex: number | undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function writeText(file: string, value: string): void {
  fs.writeFileSync(file, value);
}

/** Mount points of cgroup hierarchies from /proc/self/mountinfo: v1 by controller, v2 as 'unified'. */
function cgroupMounts(): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const line of (readText('/proc/self/mountinfo') ?? '').split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const mountPoint = line.slice(0, sep).split(' ')[4];
    const [fsType, , superOpts] = line.slice(sep + 3).split(' ');
    if (mountPoint === undefined) continue;
    if (fsType === 'cgroup2') mounts.set('unified', mountPoint);
    else if (fsType === 'cgroup') for (const opt of (superOpts ?? '').split(',')) if (opt === 'memory' || opt === 'pids' || opt === 'cpu') mounts.set(opt, mountPoint);
  }
  return mounts;
}

/** Own cgroup path per hierarchy from /proc/self/cgroup ('' key = v2). */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of (readText('/proc/self/cgroup') ?? '').split('\n')) {
    const [, controllers, cgPath] = line.split(':');
    if (controllers === undefined || cgPath === undefined) continue;
    for (const c of controllers.split(',')) own.set(c, cgPath);
  }
  return own;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killAndRemove(dir: string): boolean {
  for (const pid of (readText(path.join(dir, 'cgroup.procs')) ?? '').split('\n')) {
    const n = Number(pid);
    if (n > 0) {
      try {
        process.kill(n, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Removes `nimbus.<pid>.<n>` groups left by platform processes that died without cleaning up. */
function sweepStale(base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^nimbus\.(\d+)\.\d+$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const dir = path.join(base, name);
    try {
      for (const child of fs.readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) killAndRemove(path.join(dir, child.name));
    } catch {
      // raced with another sweeper
    }
    killAndRemove(dir);
  }
}

function detectLayout(): Layout | undefined {
  const mounts = cgroupMounts();
  const own = ownCgroups();
  const memMount = mounts.get('memory');
  if (memMount !== undefined) {
    const memBase = path.join(memMount, own.get('memory') ?? '/');
    const pidsMount = mounts.get('pids');
    const bases = [memBase];
    if (pidsMount !== undefined) bases.push(path.join(pidsMount, own.get('pids') ?? '/'));
    const cpuMount = mounts.get('cpu');
    let cpuIndex: number | undefined;
    // cpu may share the memory or pids hierarchy (mounted together): then it is already a base.
    if (cpuMount !== undefined) {
      const cpuBase = path.join(cpuMount, own.get('cpu') ?? '/');
      cpuIndex = bases.indexOf(cpuBase);
      if (cpuIndex < 0) cpuIndex = bases.push(cpuBase) - 1;
    }
    return { version: 1, bases, cpuIndex };
  }
  const unified = mounts.get('unified');
  if (unified !== undefined) {
    const base = path.join(unified, own.get('') ?? '/');
    const controllers = (readText(path.join(base, 'cgroup.controllers')) ?? '').split(/\s+/);
    if (controllers.includes('memory')) return { version: 2, bases: [base], cpuIndex: controllers.includes('cpu') ? 0 : undefined };
  }
  return undefined;
}

export class SandboxCgroup {
  readonly #version: 1 | 2;
  readonly #dirs: readonly string[];
  readonly #cpuDir: string | undefined;
  readonly #peak: PreadFile;
  readonly #cpuStat: PreadFile | undefined;
  #removed = false;

  constructor(version: 1 | 2, dirs: readonly string[], cpuIndex?: number) {
    this.#version = version;
    this.#dirs = dirs;
    this.#cpuDir = cpuIndex === undefined ? undefined : dirs[cpuIndex];
    this.#peak = new PreadFile(path.join(dirs[0] ?? '', version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak'));
    this.#cpuStat = this.#cpuDir === undefined ? undefined : new PreadFile(path.join(this.#cpuDir, 'cpu.stat'));
  }

  /** The files a process writes its pid into to join (before exec'ing the sandbox). */
  get procsFiles(): string[] {
    return this.#dirs.map((d) => path.join(d, 'cgroup.procs'));
  }

  get #mem(): string {
    return this.#dirs[0] ?? '';
  }

  setMemoryLimit(bytes: number): void {
    if (this.#version === 1) {
      writeText(path.join(this.#mem, 'memory.limit_in_bytes'), String(bytes));
      const memsw = path.join(this.#mem, 'memory.memsw.limit_in_bytes');
      if (fs.existsSync(memsw)) writeText(memsw, String(bytes));
    } else {
      writeText(path.join(this.#mem, 'memory.max'), String(bytes));
      const swap = path.join(this.#mem, 'memory.swap.max');
      if (fs.existsSync(swap)) writeText(swap, '0');
    }
  }

  /** The CPU share of a MemorySize (see cpuQuotaUs); nothing without the cpu controller. */
  setCpuLimit(memoryMb: number): void {
    if (this.#cpuDir === undefined) return;
    const quota = cpuQuotaUs(memoryMb);
    if (this.#version === 1) {
      writeText(path.join(this.#cpuDir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      writeText(path.join(this.#cpuDir, 'cpu.cfs_quota_us'), String(quota));
    } else {
      writeText(path.join(this.#cpuDir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
    }
  }

  peakBytes(): number | undefined {
    const n = Number(this.#peak.read());
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }

  /** CFS periods in which the group used up its quota and waited (cpu.stat nr_throttled, v1 and v2); undefined without the cpu controller. */
  throttleCount(): number | undefined {
    const m = /^nr_throttled (\d+)$/m.exec(this.#cpuStat?.read() ?? '');
    return m ? Number(m[1]) : undefined;
  }

  oomKills(): number {
    const file = this.#version === 1 ? 'memory.oom_control' : 'memory.events';
    const m = /^oom_kill (\d+)$/m.exec(readText(path.join(this.#mem, file)) ?? '');
    return m ? Number(m[1]) : 0;
  }

  /** SIGKILLs anything left in the group and removes it (retrying while the kernel reaps). */
  async remove(): Promise<void> {
    if (this.#removed) return;
    this.#removed = true;
    this.#peak.close();
    this.#cpuStat?.close();
    for (const dir of this.#dirs) {
      for (let attempt = 0; !killAndRemove(dir) && attempt < 100; attempt++) await sleep(20);
    }
  }
}

let managerSeq = 0;

export class CgroupManager {
  readonly #layout: Layout;
  readonly #parents: readonly string[];
  #disposed = false;

  private constructor(layout: Layout, parents: readonly string[]) {
    this.#layout = layout;
    this.#parents = parents;
  }

  /** A manager when cgroups can be created here (root, writable memory controller), else undefined. */
  static detect(): CgroupManager | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const layout = detectLayout();
    if (!layout) return undefined;
    const parents: string[] = [];
    managerSeq++;
    try {
      for (const base of layout.bases) {
        sweepStale(base);
        const parent = path.join(base, `nimbus.${process.pid}.${managerSeq}`);
        fs.mkdirSync(parent, { recursive: true });
        parents.push(parent);
        if (layout.version === 2) {
          // Fails with EBUSY when the base has processes of its own (no internal processes in v2).
          const enable = layout.cpuIndex !== undefined ? '+memory +pids +cpu' : '+memory +pids';
          writeText(path.join(base, 'cgroup.subtree_control'), enable);
          writeText(path.join(parent, 'cgroup.subtree_control'), enable);
        }
      }
      return new CgroupManager(layout, parents);
    } catch {
      for (const p of parents) killAndRemove(p);
      return undefined;
    }
  }

  get version(): 1 | 2 {
    return this.#layout.version;
  }

  /** True when sandboxes get a CPU quota (the cpu controller is there). */
  get cpuLimits(): boolean {
    return this.#layout.cpuIndex !== undefined;
  }

  /** Creates the group of one sandbox (no memory limit yet: that comes with assign). */
  create(id: string): SandboxCgroup {
    if (this.#disposed) throw new Error('cgroup manager disposed');
    const dirs: string[] = [];
    try {
      for (const parent of this.#parents) {
        const dir = path.join(parent, id);
        fs.mkdirSync(dir);
        dirs.push(dir);
        const pidsMax = path.join(dir, 'pids.max');
        if (fs.existsSync(pidsMax)) writeText(pidsMax, String(PIDS_MAX));
      }
    } catch (e) {
      for (const d of dirs) killAndRemove(d);
      throw e;
    }
    return new SandboxCgroup(this.#layout.version, dirs, this.#layout.cpuIndex);
  }

  /** Removes the manager's parent groups (after every sandbox group was removed); idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const p of this.#parents) killAndRemove(p);
  }
}
