/**
 * A guard in front of the JSON-RPC reader on stdio. vscode-jsonrpc's reader
 * stops for good at a header block without a valid Content-Length (the
 * server then answered nothing, not even shutdown, until stdin closed).
 * This passes well-formed frames through unchanged and drops a header block
 * it cannot use, saying so, so the next frame is served.
 */
import { Transform, type TransformCallback } from 'node:stream';

const SEPARATOR = Buffer.from('\r\n\r\n');
/** A header block longer than this without its blank line is not a header. */
const MAX_HEADER_BYTES = 8 * 1024;
/** Larger bodies are refused (and skipped) rather than buffered. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export class FrameGuard extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of an oversized body still to discard. */
  private discarding = 0;

  constructor(private readonly onBadFrame: (reason: string) => void) {
    super();
  }

  /** Drops the bytes before the next frame's header, or else the first `unusable` bytes. */
  private resync(unusable: number): void {
    const next = nextHeader(this.buffer);
    this.buffer = this.buffer.subarray(next >= 0 ? next : Math.max(1, unusable));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.discarding > 0) {
        const n = Math.min(this.discarding, this.buffer.length);
        this.discarding -= n;
        this.buffer = this.buffer.subarray(n);
        if (this.discarding > 0) break;
      }
      const end = this.buffer.indexOf(SEPARATOR);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) {
          this.onBadFrame(`no end of headers within ${MAX_HEADER_BYTES} bytes; dropped them`);
          this.resync(this.buffer.length - 15);
          continue;
        }
        break;
      }
      const header = this.buffer.subarray(0, end).toString('ascii');
      const length = contentLength(header);
      if (typeof length === 'string') {
        this.onBadFrame(`${length}; dropped the header block ${JSON.stringify(header.slice(0, 200))}`);
        this.resync(end + SEPARATOR.length);
        continue;
      }
      if (length > MAX_FRAME_BYTES) {
        this.onBadFrame(`a message of ${length} bytes, over the limit of ${MAX_FRAME_BYTES}; skipped it`);
        this.buffer = this.buffer.subarray(end + SEPARATOR.length);
        this.discarding = length;
        continue;
      }
      const frameEnd = end + SEPARATOR.length + length;
      if (this.buffer.length < frameEnd) break;
      this.push(this.buffer.subarray(0, frameEnd));
      this.buffer = this.buffer.subarray(frameEnd);
    }
    done();
  }
}

/** Where the next frame can start after bytes that are not one: the next `Content-Length:` past the first byte. */
function nextHeader(buffer: Buffer): number {
  return buffer.toString('latin1').toLowerCase().indexOf('content-length:', 1);
}

/** The Content-Length of a header block, or why it has none usable. */
export function contentLength(header: string): number | string {
  let found: number | string = 'a frame header without Content-Length';
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `a malformed header line ${JSON.stringify(line.slice(0, 80))}`;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    found = /^\d{1,10}$/.test(value) ? Number(value) : `an invalid Content-Length ${JSON.stringify(value.slice(0, 40))}`;
  }
  return found;
}
