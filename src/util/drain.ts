import type { Writable } from 'node:stream';

/** Resolves when a writable that refused a write has drained, or has closed (client gone). */
export function drainedOrClosed(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
