// The Sandbox both drivers hand out: a child process tree with the guest at its leaf,
// framed messages over stdio[3] (a Unix socketpair), stdout/stderr split into lines,
// and a slot dir / tmp dir / cgroup that are removed when it exits.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { encodeFrame, FrameDecoder, MAX_GUEST_HEADER_BYTES, MAX_LOG_LINE_BYTES, MAX_RESPONSE_BYTES, parseGuestMessage } from '../../protocol/index.js';
import type { HostMessage, ReadyMessage } from '../../protocol/index.js';
import type { SandboxCgroup } from './cgroup.js';
import type { LaunchCommand } from './launch.js';
import { leafDescendant, parseVmHwm, PreadFile } from './launch.js';
import { fillSlot, removeDir } from './slot.js';
import { stackLayers } from './opt-layers.js';
import { SandboxError } from './types.js';
import type {
  KillReason, MessageListener, OutputListener, Sandbox, SandboxDriverName, SandboxExit, SandboxSpec, SandboxState,
} from './types.js';

const MIB = 1024 * 1024;
/** How long after exit we wait for the last stdout/stderr bytes. */
const STDIO_GRACE_MS = 200;

export interface ChildSandboxParams {
  readonly id: string;
  readonly driver: SandboxDriverName;
  readonly launch: LaunchCommand;
  readonly env: Readonly<Record<string, string>>;
  readonly taskRoot: string;
  readonly tmpDir: string;
  readonly tmpMb: number;
  readonly languagesDir: string;
  /** Layers as the guest sees them, and the host dir assign() stacks them into. */
  readonly optDir: string;
  readonly optHostDir: string;
  readonly slotDir: string;
  /** Removed after exit (slot, tmp dir). */
  readonly ownedDirs: readonly string[];
  readonly cgroup: SandboxCgroup | undefined;
  /** The guest runs as another uid: code files must be world-readable (see slot.ts). */
  readonly othersMustRead: boolean;
  /** The spawned process is the guest itself (process driver), not a wrapper like bwrap. */
  readonly guestIsOutermost: boolean;
  /** Memory limit when there is no cgroup (e.g. RLIMIT_DATA on the guest pid). */
  readonly limitWithoutCgroup: ((guestPid: number, memoryMb: number) => Promise<void>) | undefined;
  readonly readyTimeoutMs: number;
  /** Bytes the launched command reads from fd 4 (bwrap's --seccomp program); the pipe is closed after them. */
  readonly fd4Input?: Buffer | undefined;
  /** Gives the sandbox outbound network on assign when its spec asks (bwrap: slirp4netns); absent: refused. */
  readonly attachNetwork?: ((guestPid: number) => Promise<NetworkAttachment>) | undefined;
}

/** A network helper bound to one sandbox; released when the sandbox exits. */
export interface NetworkAttachment {
  release(): Promise<void>;
}

class LineSplitter {
  #partial = '';

  constructor(
    readonly stream: 'stdout' | 'stderr',
    readonly emit: (stream: 'stdout' | 'stderr', text: string) => void,
  ) {}

  push(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.emit(this.stream, line);
    if (this.#partial.length > MAX_LOG_LINE_BYTES) {
      this.emit(this.stream, this.#partial);
      this.#partial = '';
    }
  }

  flush(): void {
    if (this.#partial !== '') this.emit(this.stream, this.#partial);
    this.#partial = '';
  }
}

/** How long a reading of the memory peak and the CPU-throttling count stands (see #sampleStats). */
const STATS_REUSE_MS = 1;

export class ChildSandbox implements Sandbox {
  readonly id: string;
  readonly driver: SandboxDriverName;
  readonly pid: number;
  readonly taskRoot: string;
  readonly tmpDir: string;
  readonly tmpMb: number;
  readonly languagesDir: string;
  readonly optDir: string;
  readonly exited: Promise<SandboxExit>;

  readonly #params: ChildSandboxParams;
  readonly #child: ChildProcess;
  readonly #socket: Socket;
  /** Frames written since the loop last reached its check phase go out in one writev (see send). */
  #corked = false;
  readonly #decoder = new FrameDecoder({ maxHeaderBytes: MAX_GUEST_HEADER_BYTES, maxBodyBytes: MAX_RESPONSE_BYTES });
  readonly #messageListeners = new Set<MessageListener>();
  readonly #outputListeners = new Set<OutputListener>();
  readonly #startupStderr: string[] = [];
  #state: SandboxState = 'starting';
  #dead = false;
  #killedBy: KillReason | null = null;
  #ready: ReadyMessage | undefined;
  #readyWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #guestPid: number | undefined;
  /** MemorySize of the assigned function: its CPU share is applied after INIT (limitCpu). */
  #memoryMb: number | undefined;
  #guestStatus: PreadFile | undefined;
  #lastPeak: number | undefined;
  #throttleCount: number | undefined;
  #statsReadAt = Number.NEGATIVE_INFINITY;
  #network: NetworkAttachment | undefined;

  private constructor(params: ChildSandboxParams) {
    this.#params = params;
    this.id = params.id;
    this.driver = params.driver;
    this.taskRoot = params.taskRoot;
    this.tmpDir = params.tmpDir;
    this.tmpMb = params.tmpMb;
    this.languagesDir = params.languagesDir;
    this.optDir = params.optDir;
    this.#child = spawn(params.launch.command, [...params.launch.args], {
      env: { ...params.env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...(params.fd4Input !== undefined ? ['pipe' as const] : [])],
      cwd: '/',
    });
    this.pid = this.#child.pid ?? -1;
    if (params.fd4Input !== undefined) {
      const fd4 = this.#child.stdio[4] as Writable;
      fd4.on('error', () => undefined); // the reader died: the exit handler reports
      fd4.end(params.fd4Input);
    }
    this.#socket = this.#child.stdio[3] as Socket;
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', () => undefined); // EPIPE/ECONNRESET: the exit handler reports
    const out = new LineSplitter('stdout', (s, t) => this.#onLine(s, t));
    const err = new LineSplitter('stderr', (s, t) => this.#onLine(s, t));
    const stdout = this.#child.stdout as Readable;
    const stderr = this.#child.stderr as Readable;
    stdout.setEncoding('utf8').on('data', (c: string) => out.push(c)).on('end', () => out.flush());
    stderr.setEncoding('utf8').on('data', (c: string) => err.push(c)).on('end', () => err.flush());
    this.exited = new Promise<SandboxExit>((resolve) => {
      let settled = false;
      const onGone = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        this.#dead = true;
        this.#failReady(new SandboxError(this.#startFailure(`exited during start-up (code ${code}, signal ${signal})`)));
        void this.#cleanup(code, signal).then(resolve, () => {
          this.#state = 'exited';
          resolve({ code, signal, oomKilled: false, killedBy: this.#killedBy });
        });
      };
      this.#child.on('exit', onGone);
      this.#child.on('error', (e) => {
        this.#startupStderr.push(String(e));
        onGone(null, null);
      });
    });
  }

  /** Spawns the sandbox and resolves once its guest said `ready`. */
  static async start(params: ChildSandboxParams): Promise<ChildSandbox> {
    const sandbox = new ChildSandbox(params);
    await sandbox.#waitReady();
    return sandbox;
  }

  get state(): SandboxState {
    return this.#state;
  }

  get ready(): ReadyMessage {
    if (!this.#ready) throw new SandboxError('sandbox is not ready yet');
    return this.#ready;
  }

  async assign(spec: SandboxSpec): Promise<void> {
    if (this.#state !== 'idle') throw new SandboxError(`cannot assign a sandbox in state ${this.#state}`);
    if (spec.tmpMb !== this.tmpMb) throw new SandboxError(`sandbox was started with tmpMb ${this.tmpMb}, function needs ${spec.tmpMb}`);
    this.#state = 'assigning';
    try {
      this.#memoryMb = spec.memoryMb;
      if (this.#params.cgroup) this.#params.cgroup.setMemoryLimit(spec.memoryMb * MIB);
      else if (this.#params.limitWithoutCgroup) {
        const guest = this.#guest();
        if (guest === undefined) throw new SandboxError('cannot find the guest process to limit its memory');
        await this.#params.limitWithoutCgroup(guest, spec.memoryMb);
      }
      if (spec.network === 'outbound') await this.#attachNetwork();
      await fillSlot(spec.codeDir, this.#params.slotDir, { othersMustRead: this.#params.othersMustRead });
      if (spec.layerDirs !== undefined) await stackLayers(spec.layerDirs, this.#params.optHostDir, { othersMustRead: this.#params.othersMustRead });
    } catch (e) {
      this.kill('requested');
      throw e instanceof SandboxError ? e : new SandboxError(`assign failed: ${(e as Error).message}`, { cause: e });
    }
    if (this.#dead) throw new SandboxError('sandbox exited while being assigned');
    this.#state = 'assigned';
  }

  limitCpu(): void {
    if (this.#memoryMb !== undefined && !this.#dead) this.#params.cgroup?.setCpuLimit(this.#memoryMb);
  }

  send(message: HostMessage, body?: Uint8Array): void {
    if (this.#dead || this.#socket.destroyed) return;
    // Under a flood, many calls are sent to one instance in one pass over the ready HTTP
    // connections: holding the frames until that pass is over (setImmediate runs right after
    // it) sends them in one syscall, which the guest reads in one. The host never blocks, so
    // the hold is never longer than the pass.
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      setImmediate(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(encodeFrame(message, body));
  }

  onMessage(listener: MessageListener): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onOutput(listener: OutputListener): () => void {
    this.#outputListeners.add(listener);
    return () => this.#outputListeners.delete(listener);
  }

  kill(reason: KillReason): void {
    if (this.#dead) return;
    this.#killedBy ??= reason;
    this.#snapshotPeak();
    this.#child.kill('SIGKILL');
  }

  peakMemoryBytes(): number | undefined {
    this.#sampleStats();
    return this.#lastPeak;
  }

  cpuThrottleCount(): number | undefined {
    this.#sampleStats();
    return this.#throttleCount;
  }

  async dispose(): Promise<void> {
    this.kill('disposed');
    await this.exited;
  }

  async #attachNetwork(): Promise<void> {
    if (!this.#params.attachNetwork) throw new SandboxError(`the ${this.driver} driver cannot give a sandbox outbound network`);
    const guest = this.#guest();
    if (guest === undefined) throw new SandboxError('cannot find the guest process to attach its network');
    this.#network = await this.#params.attachNetwork(guest);
    // Exited meanwhile: #cleanup ran before the attachment existed.
    if (this.#dead) await this.#network.release();
  }

  /**
   * Reads the memory peak and the throttling count together, at most once a millisecond while
   * alive: both only grow, and under a flood of sub-millisecond calls the reads (syscalls) would
   * otherwise come with every result.
   */
  #sampleStats(): void {
    const now = performance.now();
    if (this.#dead || now - this.#statsReadAt < STATS_REUSE_MS) return;
    this.#statsReadAt = now;
    this.#snapshotPeak();
    this.#throttleCount = this.#params.cgroup?.throttleCount();
  }

  #snapshotPeak(): void {
    const cg = this.#params.cgroup?.peakBytes();
    if (cg !== undefined) {
      this.#lastPeak = cg;
      return;
    }
    const guest = this.#guest();
    if (guest !== undefined) this.#guestStatus ??= new PreadFile(`/proc/${guest}/status`);
    const rss = parseVmHwm(this.#guestStatus?.read());
    if (rss !== undefined) this.#lastPeak = Math.max(rss, this.#lastPeak ?? 0);
  }

  #guest(): number | undefined {
    if (this.#guestPid === undefined && this.#ready) this.#guestPid = this.#params.guestIsOutermost ? this.pid : leafDescendant(this.pid);
    return this.#guestPid;
  }

  #waitReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#failReady(new SandboxError(this.#startFailure(`no ready message within ${this.#params.readyTimeoutMs} ms`)));
        this.kill('start-failed');
      }, this.#params.readyTimeoutMs);
      this.#readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  #failReady(e: Error): void {
    const waiter = this.#readyWaiter;
    this.#readyWaiter = undefined;
    waiter?.reject(e);
  }

  #startFailure(what: string): string {
    const tail = this.#startupStderr.slice(-20).join('\n');
    return `${this.driver} sandbox ${what}${tail ? `; stderr:\n${tail}` : ''}`;
  }

  #onData(chunk: Buffer): void {
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch {
      this.kill('protocol-error');
      return;
    }
    for (const frame of frames) {
      const message = parseGuestMessage(frame.header);
      if (!message) {
        this.kill('protocol-error');
        return;
      }
      if (message.t === 'ready') {
        if (this.#ready) {
          this.kill('protocol-error');
          return;
        }
        this.#ready = message;
        this.#state = 'idle';
        const waiter = this.#readyWaiter;
        this.#readyWaiter = undefined;
        waiter?.resolve();
        continue;
      }
      if (!this.#ready) {
        this.kill('protocol-error');
        return;
      }
      for (const listener of this.#messageListeners) listener(message, frame);
    }
  }

  #onLine(stream: 'stdout' | 'stderr', text: string): void {
    if (!this.#ready && stream === 'stderr') {
      this.#startupStderr.push(text);
      if (this.#startupStderr.length > 40) this.#startupStderr.shift();
    }
    const line = { stream, text, timestamp: Date.now() };
    for (const listener of this.#outputListeners) listener(line);
  }

  async #cleanup(code: number | null, signal: NodeJS.Signals | null): Promise<SandboxExit> {
    const cgroup = this.#params.cgroup;
    if (cgroup) this.#lastPeak = cgroup.peakBytes() ?? this.#lastPeak;
    const oomKilled = (cgroup?.oomKills() ?? 0) > 0;
    await new Promise<void>((resolve) => {
      if (this.#child.stdout?.readableEnded !== false && this.#child.stderr?.readableEnded !== false) return resolve();
      const timer = setTimeout(resolve, STDIO_GRACE_MS);
      this.#child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.#socket.destroy();
    this.#guestStatus?.close();
    await cgroup?.remove();
    await this.#network?.release().catch(() => undefined);
    await Promise.all(this.#params.ownedDirs.map((d) => removeDir(d).catch(() => undefined)));
    this.#state = 'exited';
    return { code, signal, oomKilled, killedBy: this.#killedBy };
  }
}
