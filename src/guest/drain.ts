// "Would the event loop drain?" for callback-style handlers (context.callbackWaitsForEmptyEventLoop).
//
// The RIC answers it with `process.on('beforeExit')`, which never fires in a runtime that
// keeps a socket to the host open. We choose instead: track, with async_hooks, the
// resources that keep a Node event loop alive (uv handles and requests, timers,
// immediates) that the handler creates *during this invocation*, and call the loop
// drained when none of them is still alive and ref'd. Resources created by the runtime
// itself (socket writes to the host) are excluded via runtimeScope(); resources created
// during INIT or earlier invocations do not count, so a DB connection opened at INIT does
// not hold every callback response until the timeout (it would on AWS; there the usual
// advice is callbackWaitsForEmptyEventLoop = false). A ref'd setInterval started in the
// invocation does hold the response until the host's timeout, as on AWS.
// The hook is enabled only while a non-async handler runs (async handlers resolve a
// promise and never wait for the loop), so async handlers pay nothing for it.
import { createHook } from 'node:async_hooks';

/** async_hooks types whose live resources keep the event loop running. */
const KEEPS_LOOP_ALIVE = new Set([
  'Timeout', 'Immediate',
  'TCPWRAP', 'TCPSERVERWRAP', 'TCPCONNECTWRAP', 'PIPEWRAP', 'PIPESERVERWRAP', 'PIPECONNECTWRAP',
  'UDPWRAP', 'UDPSENDWRAP', 'TTYWRAP', 'PROCESSWRAP', 'SIGNALWRAP', 'FSEVENTWRAP', 'STATWATCHER',
  'FSREQCALLBACK', 'FSREQPROMISE', 'FILEHANDLECLOSEREQ', 'GETADDRINFOREQWRAP', 'GETNAMEINFOREQWRAP',
  'QUERYWRAP', 'SHUTDOWNWRAP', 'WRITEWRAP', 'WORKER', 'MESSAGEPORT',
]);

let runtimeDepth = 0;

/** Runs fn with resource tracking suspended: what the runtime itself creates never blocks a drain. */
export function runtimeScope<T>(fn: () => T): T {
  runtimeDepth++;
  try {
    return fn();
  } finally {
    runtimeDepth--;
  }
}

interface MaybeRef {
  hasRef?: () => boolean;
  /** Node's http Agent re-labels a reused keep-alive socket with a ReusedHandle wrapping it. */
  handle?: { hasRef?: () => boolean };
}

/** Whether a tracked resource still holds the loop; one that cannot say is assumed to. */
function holdsLoop(resource: MaybeRef): boolean {
  if (typeof resource.hasRef === 'function') return resource.hasRef();
  const inner = resource.handle;
  if (inner !== undefined && inner !== null && typeof inner.hasRef === 'function') return inner.hasRef();
  return true;
}

/** Slow re-check for a resource that is unref()'d without being destroyed. */
const RECHECK_MS = 50;

export class DrainTracker {
  readonly #live = new Map<number, MaybeRef>();
  #waiter: (() => void) | undefined;
  /** How long the loop must stay drained before the waiter runs (see whenDrained). */
  #settleMs = 0;
  #settle: NodeJS.Timeout | undefined;
  #recheck: NodeJS.Timeout | undefined;
  #checkQueued = false;
  #enabled = false;
  readonly #hook = createHook({
    init: (asyncId, type, _trigger, resource) => {
      if (runtimeDepth === 0 && KEEPS_LOOP_ALIVE.has(type)) this.#live.set(asyncId, resource);
    },
    destroy: (asyncId) => {
      if (this.#live.delete(asyncId) && this.#waiter) this.#queueCheck();
    },
  });

  /** Starts counting resources (call right before the handler runs). */
  start(): void {
    this.#live.clear();
    this.#hook.enable();
    this.#enabled = true;
  }

  /** Stops counting and forgets any waiter. */
  stop(): void {
    if (this.#enabled) this.#hook.disable();
    this.#enabled = false;
    this.#live.clear();
    this.#waiter = undefined;
    if (this.#recheck) clearInterval(this.#recheck);
    this.#recheck = undefined;
    if (this.#settle) clearTimeout(this.#settle);
    this.#settle = undefined;
  }

  isDrained(): boolean {
    for (const resource of this.#live.values()) if (holdsLoop(resource)) return false;
    return true;
  }

  /**
   * Calls done once (asynchronously) when nothing created since start() keeps the loop alive,
   * and has not for `settleMs`. A settle time guards the `null` answer of a handler that
   * returned without calling back while its work is between two steps that a check at an
   * unlucky moment would see as idle (observed once in hundreds of runs under load: an AWS
   * SDK call just after its keep-alive socket went back to the pool); the callback path
   * needs none, since its answer is the same whenever it is sent.
   */
  whenDrained(done: () => void, settleMs = 0): void {
    this.#waiter = done;
    this.#settleMs = settleMs;
    if (this.#settle) clearTimeout(this.#settle);
    this.#settle = undefined;
    this.#queueCheck();
    runtimeScope(() => {
      this.#recheck ??= setInterval(() => this.#queueCheck(), RECHECK_MS);
    });
  }

  #queueCheck(): void {
    if (this.#checkQueued) return;
    this.#checkQueued = true;
    runtimeScope(() =>
      setImmediate(() => {
        this.#checkQueued = false;
        const waiter = this.#waiter;
        if (!waiter || !this.isDrained()) return;
        if (this.#settleMs > 0) {
          this.#settle ??= runtimeScope(() => setTimeout(() => {
            // Timers run before the loop reads its sockets: a process that was stopped meanwhile
            // (a small MemorySize waits out its CPU share for up to ~19 ms) finds its timer due
            // before the I/O that arrived while it waited, which may be the handler's next step.
            // Decide after that I/O has been read.
            runtimeScope(() => setImmediate(() => {
              this.#settle = undefined;
              if (this.#waiter !== waiter) return;
              if (this.isDrained()) {
                this.stop();
                waiter();
              }
            }));
          }, this.#settleMs));
          return;
        }
        this.stop();
        waiter();
      }),
    );
  }
}
