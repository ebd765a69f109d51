// The sandbox driver interface: what the pool and instances build on. A Sandbox is one
// started guest runtime process, generic until assign() binds it to a function's code.
import type { GuestMessage, HostMessage, ReadyMessage } from '../../protocol/index.js';

export type SandboxDriverName = 'bwrap' | 'process';
/** 'trusted-code-only': no namespace isolation; a hostile handler can escape (sandbox-notes §1). */
export type SandboxIsolation = 'namespaces' | 'trusted-code-only';

/** What assign() binds a started sandbox to. */
export interface SandboxSpec {
  /** Host directory with the unpacked code; hardlinked (or copied) into the sandbox's slot. */
  readonly codeDir: string;
  /** Memory limit (cgroup when available, else RLIMIT_DATA); applied on assign. */
  readonly memoryMb: number;
  /** Unpacked layer trees, in order: stacked into the sandbox's /opt, later files replacing earlier ones. */
  readonly layerDirs?: readonly string[] | undefined;
  /** EphemeralStorage; must equal the tmpMb the sandbox was started with (see SandboxStartOptions). */
  readonly tmpMb: number;
  /** 32 hex: the execution environment id (it appears in the log stream name). */
  readonly instanceId: string;
  /** `outbound`: internet access (bwrap: slirp4netns, host loopback refused); default `none` (bwrap: loopback only). */
  readonly network?: 'none' | 'outbound' | undefined;
}

export interface SandboxStartOptions {
  /**
   * Size of the private /tmp in MB (default 512). bwrap mounts the tmpfs when the sandbox
   * starts, so a pooled sandbox serves only functions with this EphemeralStorage size.
   */
  readonly tmpMb?: number;
}

/**
 * Lifecycle (each step only forward):
 *   starting → idle      the guest said `ready`; no function bound (reserve pool)
 *   idle → assigning → assigned   code is in the slot and limits are applied
 *   any → exited         it died or was killed; `exited` has resolved, resources are gone
 */
export type SandboxState = 'starting' | 'idle' | 'assigning' | 'assigned' | 'exited';

/** Why the host killed a sandbox (null in SandboxExit when it died by itself). */
export type KillReason = 'timeout' | 'init-timeout' | 'protocol-error' | 'start-failed' | 'disposed' | 'requested';

export interface SandboxExit {
  /** Exit code of the outermost process (bwrap passes the guest's on; a signal there shows as 128+n). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The kernel OOM killer fired in this sandbox's memory cgroup. */
  readonly oomKilled: boolean;
  readonly killedBy: KillReason | null;
}

/** A line the guest wrote to stdout or stderr directly (console.* arrives as `log` messages). */
export interface OutputLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly timestamp: number;
}

/** The body of the frame that carried a message. */
export interface FrameBody {
  readonly body: Buffer;
  /** As announced by the guest; a body longer than the host accepts is skipped (bodyTruncated). */
  readonly bodyLength: number;
  readonly bodyTruncated: boolean;
}

export type MessageListener = (message: GuestMessage, frame: FrameBody) => void;
export type OutputListener = (line: OutputLine) => void;

export interface Sandbox {
  /** 32 hex, unique per sandbox. */
  readonly id: string;
  readonly driver: SandboxDriverName;
  /** Host pid of the outermost process (kill target). */
  readonly pid: number;
  readonly state: SandboxState;
  /** Code root as the guest sees it (`/var/task`, or the slot dir for the process driver). */
  readonly taskRoot: string;
  /** Writable temp dir as the guest sees it (`/tmp`, or a per-sandbox host dir). */
  readonly tmpDir: string;
  readonly tmpMb: number;
  /** Where the function's layers appear to the guest (`/opt` inside bwrap; a per-sandbox host dir otherwise). */
  readonly optDir: string;
  /** The built-in language runtimes (runtimes/) as the guest sees them (`/var/runtime/languages` inside bwrap). */
  readonly languagesDir: string;
  /** The guest's `ready` message (start() resolves only after it arrived). */
  readonly ready: ReadyMessage;
  /** Resolves once, after the process tree is gone and the slot, tmp dir and cgroup are removed. */
  readonly exited: Promise<SandboxExit>;
  /** Binds code and applies limits; only from 'idle'. Rejects (and the sandbox is unusable) on failure. */
  assign(spec: SandboxSpec): Promise<void>;
  /**
   * Applies the CPU share of the assigned MemorySize (cgroup, when there is a cpu controller).
   * Called once INIT is over: INIT runs unthrottled, so a 128 MB function's cold start is not
   * 14 times slower than a 1,769 MB one's.
   */
  limitCpu(): void;
  /** Sends one message to the guest; ignored once exited. */
  send(message: HostMessage, body?: Uint8Array): void;
  /** Subscribes to guest messages (after `ready`); returns the unsubscribe function. */
  onMessage(listener: MessageListener): () => void;
  onOutput(listener: OutputListener): () => void;
  /** SIGKILLs the whole sandbox; idempotent; the first reason is kept. */
  kill(reason: KillReason): void;
  /** Peak memory of the sandbox so far (cgroup, else the guest's VmHWM); undefined if unknown. */
  peakMemoryBytes(): number | undefined;
  /**
   * How many CPU periods the sandbox has waited out its CPU share so far (cgroup cpu.stat);
   * undefined when no CPU share is enforced. Read at most once a millisecond.
   */
  cpuThrottleCount(): number | undefined;
  /** kill('disposed') and wait for `exited`; idempotent. */
  dispose(): Promise<void>;
}

export interface SandboxDriver {
  readonly name: SandboxDriverName;
  readonly isolation: SandboxIsolation;
  /** True when memory limits are enforced by a cgroup (OOM is then detected and reported). */
  readonly memoryCgroups: boolean;
  /**
   * The platform API's URL as code inside a sandbox reaches it (AWS_ENDPOINT_URL), or
   * undefined when the driver was given no platform access (or the server is not listening yet).
   */
  readonly platformEndpoint: string | undefined;
  /** Starts a generic guest runtime and waits for its `ready`. */
  start(options?: SandboxStartOptions): Promise<Sandbox>;
  /** Kills every sandbox it started and removes its working dirs; idempotent. */
  dispose(): Promise<void>;
}

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}
