/**
 * Cuts the byte stream from the IRC server into lines, in time linear in the
 * bytes received and memory bounded by the line limit, whatever the server
 * sends. irc-framework's own buffer concatenates every chunk onto the unfinished
 * line and rescans it, which is quadratic (and unbounded) on a huge line
 * without LF; this one keeps only the pieces of the current line and looks
 * for LF in each new chunk once.
 *
 * A line longer than INBOUND_LINE_MAX_BYTES is dropped as a whole: its bytes
 * are discarded as they arrive until its LF, and `onOversized` is called once.
 */

/** IRCv3 message tags may take 8191 bytes (with '@' and the space); the rest of a line 512 (with CRLF). */
export const INBOUND_LINE_MAX_BYTES = 8191 + 512;

export interface LineReaderEvents {
  /**
   * One complete line, without its LF (a CR before the LF is removed too).
   * Valid only during the call: a line that came whole in one chunk is a view
   * of that chunk (no copy), so keep a copy (or its string), not the Buffer.
   */
  onLine(line: Buffer): void;
  /**
   * A line grew past the limit: it is being dropped. Called once per such line, as soon as it
   * passes the limit (not at its LF, which may never come), with the bytes seen of it so far.
   */
  onOversized(bytes: number): void;
}

export class LineReader {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  /** True while discarding the rest of an oversized line, up to its LF. */
  private discarding = false;

  constructor(
    private readonly events: LineReaderEvents,
    readonly maxBytes: number = INBOUND_LINE_MAX_BYTES,
  ) {}

  /** Bytes held for the unfinished line (never more than maxBytes). */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Forgets any unfinished line (a new connection starts clean). */
  reset(): void {
    this.pieces = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      const end = lf === -1 ? chunk.length : lf;
      const size = end - start;
      if (this.discarding) {
        // nothing kept
      } else if (lf !== -1 && this.pieces.length === 0 && size <= this.maxBytes) {
        // A whole line in this chunk (the usual case): handed over as a view, not copied.
        const line = chunk.subarray(start, size > 0 && chunk[end - 1] === 0x0d ? end - 1 : end);
        start = lf + 1;
        this.events.onLine(line);
        continue;
      } else if (this.pendingBytes + size > this.maxBytes) {
        const seen = this.pendingBytes + size;
        this.discarding = true;
        this.pieces = [];
        this.pendingBytes = 0;
        this.events.onOversized(seen);
      } else if (size > 0) {
        // A copy: a slice would keep the whole (possibly large) chunk alive.
        this.pieces.push(Buffer.from(chunk.subarray(start, end)));
        this.pendingBytes += size;
      }
      if (lf === -1) return;
      start = lf + 1;
      this.endLine();
    }
  }

  private endLine(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    let line = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.pendingBytes);
    this.pieces = [];
    this.pendingBytes = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    this.events.onLine(line);
  }
}
