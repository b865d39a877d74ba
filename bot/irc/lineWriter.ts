/**
 * The last check on every line the bot writes to the IRC server (registration,
 * PONG, JOIN, CTCP replies, the send queue's lines — all of them), applied in
 * the transport right before the socket. Pure.
 *
 * - CR, LF or NUL could end the line early and inject another command: in the
 *   command or its middle parameters the line is dropped; in the trailing
 *   parameter they become spaces (a PRIVMSG/NOTICE text is split at them instead).
 * - The line must stay within 512 bytes (CRLF included) as the server relays
 *   it to others, that is with the bot's current `:nick!user@host ` prefix in
 *   front (for the commands a server relays). The prefix is measured at write
 *   time, so a host change (396, CHGHOST) or nick change after a line was queued
 *   is taken into account: a PRIVMSG/NOTICE that no longer fits is split again,
 *   a CTCP reply or another command's trailing parameter is truncated, and a line
 *   that cannot be made to fit is dropped.
 * - IRCv3 client tags (`@…` before the command) have their own 8191-byte budget.
 */
import { IRC_LINE_MAX, MIN_SPLIT_BYTES, splitText, UNKNOWN_HOST_BYTES, UNKNOWN_USER_BYTES } from '../outbound/splitter';

export interface WireIdentity {
  nick: string;
  user?: string;
  host?: string;
}

/** What was done to a line to make it safe; `lines` is what to write (possibly none). */
export interface FittedLine {
  lines: string[];
  /** Empty when the line went out unchanged. */
  fixes: Array<'sanitized' | 'split' | 'truncated' | 'dropped'>;
  /** Why the line was dropped, when it was. */
  dropReason?: string;
}

/** Commands a server relays to other clients with the sender's prefix in front. */
// Not JOIN: the server relays one JOIN per channel, never the client's whole comma list (and it carries no text).
const RELAYED = new Set(['PRIVMSG', 'NOTICE', 'TOPIC', 'PART', 'KICK', 'QUIT', 'NICK', 'MODE', 'INVITE', 'TAGMSG', 'AWAY', 'SETNAME', 'WALLOPS']);

/** Whether a server relays `command` to other clients with the sender's prefix (so the prefix counts against 512 bytes). */
export function isRelayedCommand(command: string): boolean {
  return RELAYED.has(command.toUpperCase());
}

const TAGS_MAX_BYTES = 8191;
const BREAKS = /[\r\n\0]/;
const BREAKS_ALL = /[\r\n\0]/g;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Bytes of `:nick!user@host ` as the server puts it in front of a relayed line (unknown parts assumed at their usual maximum). */
export function prefixBytes(identity: WireIdentity): number {
  const user = identity.user === undefined ? UNKNOWN_USER_BYTES : bytes(identity.user);
  const host = identity.host === undefined ? UNKNOWN_HOST_BYTES : bytes(identity.host);
  return 1 + bytes(identity.nick) + 1 + user + 1 + host + 1;
}

/** The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes, never cutting a code point. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (bytes(text) <= maxBytes) return text;
  const buf = Buffer.from(text, 'utf8');
  let cut = Math.max(0, maxBytes);
  while (cut > 0 && ((buf[cut] as number) & 0xc0) === 0x80) cut--;
  return buf.subarray(0, cut).toString('utf8');
}

export function fitOutgoingLine(line: string, identity: WireIdentity): FittedLine {
  let tags = '';
  let rest = line;
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    tags = space === -1 ? rest : rest.slice(0, space + 1);
    rest = space === -1 ? '' : rest.slice(space + 1);
    if (bytes(tags) > TAGS_MAX_BYTES) return drop('its message tags exceed 8191 bytes');
  }
  const colon = rest.indexOf(' :');
  const head = colon === -1 ? rest : rest.slice(0, colon);
  const hasTrailing = colon !== -1;
  let trailing = hasTrailing ? rest.slice(colon + 2) : '';
  if (BREAKS.test(tags) || BREAKS.test(head)) return drop('CR, LF or NUL in the command or its parameters');
  const command = (head.split(' ', 1)[0] ?? '').toUpperCase();
  if (command === '') return drop('no command');
  const limit = IRC_LINE_MAX - 2 - (RELAYED.has(command) ? prefixBytes(identity) : 0);
  const front = hasTrailing ? `${tags}${head} :` : `${tags}${head}`;
  const frontBytes = bytes(front) - bytes(tags);
  const fixes: FittedLine['fixes'] = [];

  const isText = (command === 'PRIVMSG' || command === 'NOTICE') && hasTrailing;
  const ctcp = isText && trailing.startsWith('\x01');
  if (hasTrailing && BREAKS.test(trailing) && !(isText && !ctcp)) {
    trailing = trailing.replace(BREAKS_ALL, ' ');
    fixes.push('sanitized');
  }
  const budget = limit - frontBytes;

  if (isText && !ctcp) {
    if (!BREAKS.test(trailing) && bytes(trailing) <= budget) return { lines: [front + trailing], fixes };
    if (budget < MIN_SPLIT_BYTES) return drop('no room for any text with the current prefix');
    const pieces = splitText(trailing, budget);
    if (BREAKS.test(trailing)) fixes.push('sanitized');
    if (pieces.length > 1 || bytes(trailing) > budget) fixes.push('split');
    return pieces.length === 0 ? { lines: [], fixes: [...fixes, 'dropped'], dropReason: 'only line breaks in the text' } : { lines: pieces.map((p) => front + p), fixes };
  }

  if (frontBytes + bytes(trailing) <= limit) return { lines: [front + trailing], fixes };

  if (ctcp) {
    const closed = trailing.length > 1 && trailing.endsWith('\x01');
    const inner = trailing.slice(1, closed ? -1 : undefined);
    if (inner.startsWith('ACTION ')) {
      const text = inner.slice('ACTION '.length);
      const actionBudget = budget - bytes('\x01ACTION \x01');
      if (actionBudget < MIN_SPLIT_BYTES) return drop('no room for any text with the current prefix');
      const pieces = splitText(text, actionBudget);
      fixes.push('split');
      return { lines: pieces.map((p) => `${front}\x01ACTION ${p}\x01`), fixes };
    }
    if (budget < 2) return drop('no room for the CTCP reply with the current prefix');
    fixes.push('truncated');
    return { lines: [`${front}\x01${truncateUtf8(inner, budget - 2)}\x01`], fixes };
  }

  if (hasTrailing && budget >= 0) {
    fixes.push('truncated');
    return { lines: [front + truncateUtf8(trailing, budget)], fixes };
  }
  return drop(`${bytes(rest) + 2} bytes with CRLF; an IRC line holds at most ${IRC_LINE_MAX}`);
}

function drop(reason: string): FittedLine {
  return { lines: [], fixes: ['dropped'], dropReason: reason };
}
