// One JetStream pull request, made by hand rather than with the client's fetch(): fetch()
// keeps the request open until the batch is full or it expires (at least a second), while a
// reader should return as soon as something is there. A `no_wait` pull takes what is
// waiting now; a pull of one with `expires` waits for the first message (and can be
// abandoned on abort). Delivery details come from the ack subject the server replies on.
import { randomBytes } from 'node:crypto';
import type { Msg, NatsConnection } from '@nats-io/transport-node';

export interface PullRequest {
  readonly batch: number;
  /** Wait this long for messages; without it the pull returns at once (no_wait). */
  readonly waitMs?: number | undefined;
}

export interface Delivery {
  readonly stream: string;
  readonly consumer: string;
  readonly deliveryCount: number;
  readonly streamSequence: number;
  readonly timestampMs: number;
}

/** Parses `$JS.ACK.[<domain>.<account>.]<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts-ns>.<pending>[.<token>]`. */
export function parseDelivery(reply: string): Delivery {
  const tokens = reply.split('.');
  if (tokens.length === 9) tokens.splice(2, 0, '_', '');
  if (tokens.length < 11 || tokens[0] !== '$JS' || tokens[1] !== 'ACK') throw new Error(`not a JetStream delivery: ${reply}`);
  return {
    stream: tokens[4]!,
    consumer: tokens[5]!,
    deliveryCount: Number(tokens[6]),
    streamSequence: Number(tokens[7]),
    timestampMs: Number(BigInt(tokens[9]!) / 1_000_000n),
  };
}

/** Status replies (no messages, request timeout, …) end a pull; 100 is a heartbeat. */
function statusOf(msg: Msg): number | undefined {
  return msg.data.length === 0 && msg.headers !== undefined && msg.headers.code > 0 ? msg.headers.code : undefined;
}

/** Messages of one pull from `stream`'s `consumer`, in delivery order. */
export function pull(nc: NatsConnection, stream: string, consumer: string, request: PullRequest, signal: AbortSignal): Promise<Msg[]> {
  const inbox = `_INBOX.nimbus.${randomBytes(12).toString('hex')}`;
  const waiting = request.waitMs !== undefined && request.waitMs > 0;
  const body = waiting ? { batch: request.batch, expires: Math.round(request.waitMs * 1_000_000) } : { batch: request.batch, no_wait: true };
  return new Promise<Msg[]>((resolve, reject) => {
    const got: Msg[] = [];
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abandon);
      sub.unsubscribe();
      if (err === undefined) resolve(got);
      else reject(err);
    };
    const abandon = (): void => finish();
    const sub = nc.subscribe(inbox, {
      callback: (err, msg) => {
        if (err) return finish(err);
        const status = statusOf(msg);
        if (status === 100) return;
        if (status !== undefined) return finish();
        got.push(msg);
        if (got.length >= request.batch) finish();
      },
    });
    // The server ends the request itself; this only guards against a lost status reply.
    const timer = setTimeout(abandon, (waiting ? request.waitMs : 0) + 5000);
    signal.addEventListener('abort', abandon, { once: true });
    nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, JSON.stringify(body), { reply: inbox });
  });
}
