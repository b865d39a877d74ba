/**
 * IRCv3 `draft/multiline`: a message of several lines sent as one batch
 * (`BATCH +ref draft/multiline <target>`, the lines tagged `@batch=ref`,
 * `BATCH -ref`), so modern clients show it as one message. A line too long
 * for one IRC line is split into pieces; every piece after the first carries
 * `draft/multiline-concat` (joined without a separator). Pure.
 *
 * Limits (the cap's value, e.g. `max-bytes=4096,max-lines=24`): a batch holds
 * at most `max-lines` lines and `max-bytes` bytes of content (the lines' text
 * plus one byte per line break between them); a message past them goes as
 * several batches. A batch of one piece is sent as a plain line.
 */

export interface MultilineLimits {
  maxBytes: number;
  /** Undefined when the server sets no line limit. */
  maxLines: number | undefined;
}

/** One line of a batch: its text, and whether it continues the line before (`draft/multiline-concat`). */
export interface BatchPiece {
  text: string;
  concat: boolean;
}

/** The cap name. */
export const MULTILINE_CAP = 'draft/multiline';
/** The tag of a piece that continues the line before it. */
export const CONCAT_TAG = 'draft/multiline-concat';

/** Smallest usable piece budget: one code point can take 4 UTF-8 bytes. */
const MIN_PIECE_BYTES = 4;

/**
 * The limits in a `draft/multiline` cap value; undefined when it has no
 * usable `max-bytes` (the spec requires it), so the bot falls back to lines.
 */
export function parseMultilineCap(value: string | undefined): MultilineLimits | undefined {
  if (value === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const number = (raw: string | undefined) => (raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined);
  const maxBytes = number(fields.get('max-bytes'));
  if (maxBytes === undefined || maxBytes < MIN_PIECE_BYTES) return undefined;
  const maxLines = number(fields.get('max-lines'));
  return { maxBytes, maxLines: maxLines !== undefined && maxLines >= 1 ? maxLines : undefined };
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** CRLF, CR, LF and NUL end a line, as everywhere in the bot. */
const LINE_BREAK = /\r\n|[\r\n\0]/;

/** The text's lines, without empty ones (an empty PRIVMSG cannot be sent): what a batch carries. */
export function messageLines(text: string): string[] {
  return text.split(LINE_BREAK).filter((line) => line.length > 0);
}

/**
 * Cuts one line into pieces of at most `maxBytes` UTF-8 bytes that
 * concatenate back to the line exactly (no character dropped, unlike a split
 * into separate lines): after the last space that fits when there is one, else
 * between code points (a surrogate pair is never cut).
 */
export function cutLine(line: string, maxBytes: number): string[] {
  if (!(maxBytes >= MIN_PIECE_BYTES)) throw new RangeError(`maxBytes must be at least ${MIN_PIECE_BYTES}, got ${maxBytes}`);
  const pieces: string[] = [];
  let start = 0;
  while (start < line.length) {
    let end = start;
    let used = 0;
    let lastSpaceEnd = -1;
    while (end < line.length) {
      const code = line.codePointAt(end) as number;
      const units = code > 0xffff ? 2 : 1;
      const width = bytes(line.slice(end, end + units));
      if (used + width > maxBytes) break;
      used += width;
      end += units;
      if (code === 0x20) lastSpaceEnd = end;
    }
    // Break after a space when the line goes on and one fits (a word is not cut in two).
    if (end < line.length && lastSpaceEnd > start) end = lastSpaceEnd;
    pieces.push(line.slice(start, end));
    start = end;
  }
  return pieces;
}

/**
 * The batches for `text`: each a list of pieces of at most `pieceBytes` bytes
 * (the room for text in one IRC line), within the limits. Concatenating each
 * batch's pieces (a `\n` before every piece without `concat`, but the first)
 * and joining the batches with `\n` gives the text's non-empty lines back,
 * except where a line had to be split across two batches (then that split
 * shows as a line break).
 */
export function multilineBatches(text: string, pieceBytes: number, limits: MultilineLimits): BatchPiece[][] {
  const budget = Math.min(pieceBytes, limits.maxBytes);
  const batches: BatchPiece[][] = [];
  let current: BatchPiece[] = [];
  let used = 0;
  for (const line of messageLines(text)) {
    cutLine(line, budget).forEach((piece, i) => {
      const concat = i > 0;
      // A new line costs its break (one byte) unless it opens the batch.
      const cost = bytes(piece) + (current.length > 0 && !concat ? 1 : 0);
      const full = (limits.maxLines !== undefined && current.length >= limits.maxLines) || used + cost > limits.maxBytes;
      if (full && current.length > 0) {
        batches.push(current);
        current = [];
        used = 0;
      }
      // The first piece of a batch never continues anything: the batch before ended it.
      const first = current.length === 0;
      current.push({ text: piece, concat: concat && !first });
      used += bytes(piece) + (first || concat ? 0 : 1);
    });
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The text a client shows for one batch: pieces joined, a line break before each that does not continue. */
export function reassemble(batch: readonly BatchPiece[]): string {
  return batch.map((p, i) => (i === 0 || p.concat ? p.text : `\n${p.text}`)).join('');
}

/** Content bytes of a batch as the limits count them (text plus a byte per line break). */
export function batchBytes(batch: readonly BatchPiece[]): number {
  return batch.reduce((sum, p, i) => sum + bytes(p.text) + (i > 0 && !p.concat ? 1 : 0), 0);
}
