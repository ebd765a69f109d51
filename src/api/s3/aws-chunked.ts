// Decodes an `aws-chunked` body (Content-Encoding: aws-chunked; x-amz-content-sha256
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] or STREAMING-UNSIGNED-PAYLOAD-TRAILER),
// as SDK v3 sends a stream with a flexible checksum:
//   <hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n … 0[;chunk-signature=…]\r\n
//   [<trailer name>:<value>\r\n …]\r\n
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html). Chunk
// signatures are not checked, as header signatures are not (docs/s3.md); trailers are
// collected for the checksum check after the body.
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../../objects/errors.js';

const MAX_LINE = 4096;
const LF = 0x0a;
const SIZE_LINE = /^([0-9a-fA-F]{1,16})(;.*)?$/;

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

function malformed(why: string): S3Error {
  return new S3Error('IncompleteBody', `The aws-chunked body is malformed: ${why}`);
}

export class AwsChunkedDecoder extends Transform {
  /** Trailer headers by lower-case name, complete once the stream has ended. */
  readonly trailers = new Map<string, string>();
  #state: State = 'size';
  #line = Buffer.alloc(0);
  #remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#state === 'done' ? null : malformed('it ended before the final chunk and trailers'));
  }

  #consume(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, chunk.length - at);
        this.push(chunk.subarray(at, at + take));
        at += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = 'data-end';
        continue;
      }
      if (this.#state === 'done') {
        if (chunk.subarray(at).toString('latin1').trim() !== '') throw malformed('bytes after the trailers');
        return;
      }
      // Line-oriented states: collect up to LF (a CRLF may be split across reads).
      const end = chunk.indexOf(LF, at);
      const piece = chunk.subarray(at, end === -1 ? chunk.length : end);
      this.#line = this.#line.length === 0 ? Buffer.from(piece) : Buffer.concat([this.#line, piece]);
      if (this.#line.length > MAX_LINE) throw malformed('a chunk header or trailer line is too long');
      if (end === -1) return;
      at = end + 1;
      const line = this.#line.toString('latin1');
      this.#line = Buffer.alloc(0);
      if (!line.endsWith('\r')) throw malformed('a line does not end with CRLF');
      this.#endOfLine(line.slice(0, -1));
    }
  }

  #endOfLine(line: string): void {
    switch (this.#state) {
      case 'size': {
        const match = SIZE_LINE.exec(line);
        if (!match) throw malformed(`'${line.slice(0, 40)}' is not a chunk size`);
        this.#remaining = Number.parseInt(match[1] as string, 16);
        this.#state = this.#remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw malformed('a chunk is longer than its declared size');
        this.#state = 'size';
        return;
      case 'trailer': {
        if (line === '') {
          this.#state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon < 1) throw malformed(`'${line.slice(0, 40)}' is not a trailer`);
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        return;
      }
      default:
        throw malformed('unexpected state');
    }
  }
}
