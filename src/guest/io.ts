// The guest's end of the host connection: an inherited stream socket on fd 3 (libuv
// creates stdio 'pipe' entries as a Unix socketpair), framed as in ../protocol/frame.
import net from 'node:net';
import { encodeFrame, FrameDecoder } from '../protocol/frame.js';
import { parseHostMessage } from '../protocol/messages.js';
import type { GuestMessage, HostMessage } from '../protocol/messages.js';
import { runtimeScope } from './drain.js';

export type HostMessageListener = (message: HostMessage, body: Buffer) => void;

export class HostConnection {
  readonly #socket: net.Socket;
  readonly #decoder = new FrameDecoder({ maxHeaderBytes: 64 * 1024 * 1024 });

  constructor(fd: number, onMessage: HostMessageListener) {
    this.#socket = new net.Socket({ fd, readable: true, writable: true });
    this.#socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#decoder.push(chunk)) {
        const message = parseHostMessage(frame.header);
        if (!message) throw new Error(`guest: unexpected message from host: ${JSON.stringify(frame.header)}`);
        onMessage(message, frame.body);
      }
    });
    // The host is the only reason to live: when it goes, so do we.
    this.#socket.on('end', () => process.exit(0));
    this.#socket.on('error', () => process.exit(0));
  }

  /** Sends one message; `flushed` runs once the bytes are handed to the kernel. */
  send(message: GuestMessage, body?: Buffer | string, flushed?: () => void): void {
    runtimeScope(() => {
      this.#socket.write(encodeFrame(message, body), flushed === undefined ? undefined : () => flushed());
    });
  }
}
