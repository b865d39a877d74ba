/**
 * Splitting outgoing text into IRC-sized pieces, and working out how many bytes
 * of text one IRC line can carry.
 *
 * Pure functions only: no I/O, no clocks. Sizes are UTF-8 bytes, because that
 * is what the 512-byte IRC line limit counts.
 */

/** The maximum length of one IRC line in bytes, CRLF included (RFC 1459 / 2812). */
export const IRC_LINE_MAX = 512;

/** Bytes assumed for a user name the bot does not know yet: '~' plus a 10-character ident. */
export const UNKNOWN_USER_BYTES = 11;

/** Bytes assumed for a host name the bot does not know yet (the usual 63-byte host label limit). */
export const UNKNOWN_HOST_BYTES = 63;

/** Bytes that the CTCP wrapper of an action adds: "\x01ACTION " before the text and "\x01" after it. */
export const ACTION_OVERHEAD_BYTES = 9;

/** The smallest budget splitText accepts: one code point can take 4 UTF-8 bytes. */
export const MIN_SPLIT_BYTES = 4;

/** Everything that ends a line in IRC text: CRLF, CR, LF and NUL. */
const LINE_BREAK = /\r\n|[\r\n\0]/;

/**
 * Characters that join onto whatever comes before them in a grapheme cluster
 * (combining marks, spacing marks, ZWJ, emoji skin-tone modifiers). A space
 * followed by one of these is part of a cluster and is not used as a break.
 */
const JOINS_PREVIOUS = /[\p{Grapheme_Extend}\p{Mc}\p{Emoji_Modifier}\u200D]/uy;

let graphemeSegmenter: Intl.Segmenter | null | undefined;

function getSegmenter(): Intl.Segmenter | null {
  if (graphemeSegmenter === undefined) {
    graphemeSegmenter =
      typeof Intl === 'object' && typeof Intl.Segmenter === 'function'
        ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
        : null;
  }
  return graphemeSegmenter;
}

/**
 * Splits `text` into pieces of at most `maxBytes` UTF-8 bytes each.
 *
 * - CR, LF, CRLF and NUL all end a line; none of them appears in the output.
 *   Empty lines are dropped; lines made only of spaces are kept.
 * - A line that is too long is broken at the last space (U+0020) that keeps the
 *   piece within budget; that one space is consumed, so for words separated by
 *   single spaces `pieces.join(' ')` gives the line back. Leading spaces are kept.
 * - A word longer than the budget is broken between grapheme clusters; a
 *   cluster that alone exceeds the budget is broken between code points.
 *   A code point (surrogate pair included) is never split.
 *
 * Nothing else is dropped or changed. Runs in time linear in `text.length`.
 *
 * @throws RangeError when `maxBytes` is below 4 (or NaN): one code point may need 4 bytes.
 */
export function splitText(text: string, maxBytes: number): string[] {
  if (!(maxBytes >= MIN_SPLIT_BYTES)) {
    throw new RangeError(`maxBytes must be at least ${MIN_SPLIT_BYTES}, got ${maxBytes}`);
  }
  const out: string[] = [];
  for (const line of text.split(LINE_BREAK)) {
    if (line.length > 0) splitLine(line, maxBytes, out);
  }
  return out;
}

/** True when the space at `index` can be a break: nothing after it joins onto it. */
function isBreakableSpace(line: string, index: number): boolean {
  JOINS_PREVIOUS.lastIndex = index + 1;
  return !JOINS_PREVIOUS.test(line);
}

/**
 * Where to cut a run with no usable space: the last grapheme-cluster boundary
 * after `start` and at or before `limit` (the first code unit that does not
 * fit), or `limit` itself when one cluster spans the whole piece.
 *
 * Only the window from `start` is segmented (so the cost stays proportional to
 * the piece, not the line). `start` is a cluster boundary except after a
 * code-point fallback cut, where the cluster is already being split anyway.
 */
function graphemeCut(line: string, start: number, limit: number): number {
  // Between two ASCII characters there is always a boundary (CR LF, the one exception, never gets here).
  if (line.charCodeAt(limit) < 0x80 && line.charCodeAt(limit - 1) < 0x80) return limit;
  const segmenter = getSegmenter();
  if (segmenter === null) return limit;
  // Include the code point at `limit`: whether a boundary precedes it depends on it.
  const windowEnd = Math.min(line.length, limit + 2);
  const cluster = segmenter.segment(line.slice(start, windowEnd)).containing(limit - start);
  const boundary = cluster === undefined ? limit - start : cluster.index;
  return boundary > 0 ? start + boundary : limit;
}

/** Appends the pieces of one line (no line breaks in it, not empty) to `out`. */
function splitLine(line: string, maxBytes: number, out: string[]): void {
  const n = line.length;
  let start = 0; // first code unit of the current piece
  let i = 0; // next code unit to look at
  let bytes = 0; // UTF-8 bytes of line[start, i)
  let lastSpace = -1; // last usable break space in line[start, i)
  let seenNonSpace = false; // whether line[start, i) holds anything but spaces

  while (i < n) {
    const c = line.charCodeAt(i);
    let width: number;
    let units = 1;
    if (c < 0x80) width = 1;
    else if (c < 0x800) width = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isLowSurrogate(line.charCodeAt(i + 1))) {
      width = 4;
      units = 2;
    } else width = 3; // BMP, or a lone surrogate (which UTF-8 encoders write as U+FFFD, 3 bytes)

    if (bytes + width <= maxBytes) {
      if (c === 0x20) {
        // A space in leading indentation is never a break: it would leave a piece of only spaces.
        if (seenNonSpace && isBreakableSpace(line, i)) lastSpace = i;
      } else {
        seenNonSpace = true;
      }
      bytes += width;
      i += units;
      continue;
    }

    // line[i] does not fit: end the piece.
    let cut: number;
    let next: number;
    if (c === 0x20 && isBreakableSpace(line, i)) {
      cut = i;
      next = i + 1;
    } else if (lastSpace >= 0) {
      cut = lastSpace;
      next = lastSpace + 1;
    } else {
      cut = graphemeCut(line, start, i);
      next = cut;
    }
    out.push(line.slice(start, cut));
    start = next;
    i = next;
    bytes = 0;
    lastSpace = -1;
    seenNonSpace = false;
  }
  if (start < n) out.push(line.slice(start));
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** What goes into one relayed PRIVMSG or NOTICE line, apart from its text. */
export interface LineParts {
  /** The bot's nick. */
  nick: string;
  /** The bot's user name as the server shows it (with any '~'); assumed 11 bytes when unknown. */
  user?: string;
  /** The bot's host as the server shows it (cloak, vhost); assumed 63 bytes when unknown. */
  host?: string;
  command: 'PRIVMSG' | 'NOTICE';
  /** The channel or nick the line goes to. */
  target: string;
  /** True for a CTCP ACTION (/me), which wraps the text in "\x01ACTION " … "\x01". */
  action?: boolean;
  /**
   * Bytes of IRCv3 message tags. Accepted and ignored: tags have their own
   * budget separate from the 512 bytes of the message itself.
   */
  tagBytes?: number;
}

/**
 * The most bytes of text that fit in one line as the server relays it to other
 * users: `:nick!user@host COMMAND target :` + text + CRLF must stay within
 * IRC_LINE_MAX (512). For an action the CTCP wrapper is counted too.
 *
 * Returns 0 when nothing fits (absurdly long nick, host or target); callers
 * should treat anything below MIN_SPLIT_BYTES as "cannot send".
 */
export function textBudget(parts: LineParts): number {
  const userBytes = parts.user === undefined ? UNKNOWN_USER_BYTES : Buffer.byteLength(parts.user, 'utf8');
  const hostBytes = parts.host === undefined ? UNKNOWN_HOST_BYTES : Buffer.byteLength(parts.host, 'utf8');
  const overhead =
    1 + // ':'
    Buffer.byteLength(parts.nick, 'utf8') +
    1 + // '!'
    userBytes +
    1 + // '@'
    hostBytes +
    1 + // ' '
    parts.command.length +
    1 + // ' '
    Buffer.byteLength(parts.target, 'utf8') +
    2 + // ' :'
    2 + // CRLF
    (parts.action === true ? ACTION_OVERHEAD_BYTES : 0);
  return Math.max(0, IRC_LINE_MAX - overhead);
}
