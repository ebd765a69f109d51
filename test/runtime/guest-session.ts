// Test helper: drives one sandbox's guest through init and invokes with raw protocol
// messages (below the Instance layer), collecting log frames and output lines.
import path from 'node:path';
import type { ErrorPayload, GuestMessage, LogLevel } from '../../src/protocol/index.js';
import type { Sandbox, SandboxExit } from '../../src/runtime/sandbox/index.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/functions');

export interface CollectedLog {
  readonly requestId: string | null;
  readonly level: LogLevel;
  readonly text: string;
}

export type Reply =
  | { readonly kind: 'message'; readonly message: GuestMessage; readonly body: Buffer }
  | { readonly kind: 'exited'; readonly exit: SandboxExit };

export interface InitOptions {
  readonly handler?: string;
  readonly memoryMb?: number;
  readonly tmpMb?: number;
  readonly env?: Record<string, string>;
}

let seq = 0;

export class GuestSession {
  readonly logs: CollectedLog[] = [];
  readonly output: string[] = [];
  /** Every non-log message in arrival order, interleaved with log markers for ordering checks. */
  readonly timeline: string[] = [];
  readonly #queue: Reply[] = [];
  #waiter: (() => void) | undefined;
  #exit: SandboxExit | undefined;

  constructor(readonly sandbox: Sandbox) {
    sandbox.onMessage((message, frame) => {
      if (message.t === 'log') {
        const text = frame.body.toString('utf8');
        this.logs.push({ requestId: message.requestId, level: message.level, text });
        this.timeline.push(`log:${text.split('\t')[3] ?? text}`);
        return;
      }
      this.timeline.push(message.t);
      this.#push({ kind: 'message', message, body: frame.body });
    });
    sandbox.onOutput((line) => this.output.push(`${line.stream}:${line.text}`));
    void sandbox.exited.then((exit) => {
      this.#exit = exit;
      this.#waiter?.();
    });
  }

  /** The next non-log message, or the exit if the sandbox dies first. */
  next(timeoutMs = 20_000): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from the guest')), timeoutMs);
      const check = (): void => {
        const item = this.#queue.shift() ?? (this.#exit ? ({ kind: 'exited', exit: this.#exit } as const) : undefined);
        if (!item) return;
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(item);
      };
      this.#waiter = check;
      check();
    });
  }

  async init(fixture: string, options: InitOptions = {}): Promise<Reply> {
    const memoryMb = options.memoryMb ?? 256;
    await this.sandbox.assign({ codeDir: path.join(FIXTURES, fixture), memoryMb, tmpMb: options.tmpMb ?? this.sandbox.tmpMb, instanceId: 'a'.repeat(32) });
    this.sandbox.send({
      t: 'init',
      function: {
        name: fixture, version: '$LATEST', handler: options.handler ?? 'index.handler', taskRoot: this.sandbox.taskRoot, memoryMb,
        timeoutSec: 10, logGroup: `/aws/lambda/${fixture}`, logStream: '2024/01/01/[$LATEST]' + 'a'.repeat(32),
        env: options.env ?? { AWS_LAMBDA_FUNCTION_NAME: fixture, TZ: ':UTC', PATH: '/usr/bin:/bin', TMPDIR: this.sandbox.tmpDir },
        initType: 'on-demand',
      },
    });
    return this.next();
  }

  async invoke(event: unknown, requestId = `req-${++seq}`): Promise<Reply> {
    this.sandbox.send({ t: 'invoke', requestId, timeoutMs: 10_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' }, Buffer.from(JSON.stringify(event)));
    return this.next();
  }

  /** Invokes and returns the parsed result; fails on anything else. */
  async call(event: unknown, requestId?: string): Promise<unknown> {
    const reply = await this.invoke(event, requestId);
    if (reply.kind !== 'message' || reply.message.t !== 'result') throw new Error(`expected a result, got ${describeReply(reply)}`);
    return JSON.parse(reply.body.toString('utf8')) as unknown;
  }

  #push(reply: Reply): void {
    this.#queue.push(reply);
    this.#waiter?.();
  }
}

export function describeReply(reply: Reply): string {
  return reply.kind === 'exited' ? `exit ${JSON.stringify(reply.exit)}` : `${JSON.stringify(reply.message)} ${reply.body.toString('utf8').slice(0, 200)}`;
}

export function errorOf(reply: Reply): ErrorPayload {
  if (reply.kind !== 'message' || (reply.message.t !== 'error' && reply.message.t !== 'init-error')) throw new Error(`expected an error, got ${describeReply(reply)}`);
  return reply.message.error;
}
