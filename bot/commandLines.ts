import type { OutboundCommand, Rejection } from '@zenrelay/protocol';
import { IRC_LINE_MAX, MIN_SPLIT_BYTES, splitText, textBudget } from './outbound/splitter';
import { isRelayedCommand, prefixBytes } from './irc/lineWriter';
import { RAW_KEY, type OutboundLine } from './outbound/sendQueue';
import { withoutCtcp } from './outbound/ctcpGuard';
import type { Identity } from './irc/ircConnection';
import { escapeTagValue } from './delivery/ircLine';
import { CONCAT_TAG, messageLines, multilineBatches, MULTILINE_CAP, type MultilineLimits } from './outbound/multiline';

/**
 * Turns a valid `out` command into the exact IRC lines to send: text split to
 * fit 512 bytes as relayed (with the bot's own prefix counted), one fairness
 * key per target, raw lines checked against the allow list. Pure.
 */

export interface LineContext {
  identity: Identity;
  rawAllow: readonly string[];
  /** The server lets clients send the `+draft/reply` client tag (message-tags, not denied by CLIENTTAGDENY). */
  replyTag?: boolean;
  /** `draft/multiline` is enabled, with these limits: a text of several lines goes as one batch (outbound/multiline.ts). */
  multiline?: MultilineLimits;
  /** A fresh batch reference for each batch (`BATCH +<ref>`). */
  batchRef?: () => string;
  /**
   * Which connection is current (a number that changes on every reconnect):
   * the rest of a batch whose opening line went out on an earlier connection
   * is not sent on a new one, where its reference means nothing.
   */
  connection?: () => number;
}

/** The IRCv3 client tag that threads a reply to the message it answers. */
export const REPLY_TAG = '+draft/reply';

export type LinesResult = { ok: true; lines: OutboundLine[] } | { ok: false; rejection: Rejection };

export function commandLines(command: OutboundCommand, context: LineContext): LinesResult {
  if (command.kind === 'raw') return rawLines(command.line, context);
  const { identity } = context;
  const ircCommand = command.type === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const action = command.type === 'privmsg_action';
  // \x01 would frame a CTCP request: text on `out` never carries one (an action's frame is the bot's own).
  const message = withoutCtcp(command.message);
  if (!/[^\r\n\x00]/.test(message)) return reject('empty_message', 'message has no text to send once CTCP delimiters (\\x01) are removed', command.id);
  const lines: OutboundLine[] = [];
  // Client tags do not count against the 512 bytes of the message itself.
  const tags = command.replyTo !== undefined && context.replyTag ? `@${REPLY_TAG}=${escapeTagValue(command.replyTo)} ` : '';
  for (const target of command.targets) {
    const budget = textBudget({ nick: identity.nick, user: identity.user, host: identity.host, command: ircCommand, target, action });
    if (budget < MIN_SPLIT_BYTES) {
      return reject('bad_target', `target ${JSON.stringify(target)} is too long to send anything to`, command.id);
    }
    const key = target.toLowerCase();
    if (!action && context.multiline && context.batchRef && messageLines(message).length > 1) {
      lines.push(...batchLines({ ircCommand, target, key, tags, message, budget, limits: context.multiline, batchRef: context.batchRef, connection: context.connection }));
      continue;
    }
    for (const chunk of splitText(message, budget)) {
      const text = action ? `\x01ACTION ${chunk}\x01` : chunk;
      lines.push({ key, line: `${tags}${ircCommand} ${target} :${text}` });
    }
  }
  return { ok: true, lines };
}

interface BatchRequest {
  ircCommand: 'PRIVMSG' | 'NOTICE';
  target: string;
  key: string;
  /** Tag section for the message (the reply tag), put on the BATCH opener. */
  tags: string;
  message: string;
  budget: number;
  limits: MultilineLimits;
  batchRef: () => string;
  connection: (() => number) | undefined;
}

/** A multi-line text to one target as `draft/multiline` batches (a batch of one piece as a plain line). */
function batchLines(req: BatchRequest): OutboundLine[] {
  const { ircCommand, target, key, tags } = req;
  const lines: OutboundLine[] = [];
  for (const batch of multilineBatches(req.message, req.budget, req.limits)) {
    if (batch.length === 1) {
      lines.push({ key, line: `${tags}${ircCommand} ${target} :${batch[0].text}` });
      continue;
    }
    const ref = req.batchRef();
    // The rest of the batch only goes on the connection its opener went out on.
    let openedOn: number | undefined;
    const connection = req.connection;
    const stale = connection === undefined ? undefined : () => openedOn !== undefined && openedOn !== connection();
    lines.push({ key, line: `${tags}BATCH +${ref} ${MULTILINE_CAP} ${target}`, ...(connection ? { onWritten: () => (openedOn = connection()) } : {}) });
    for (const piece of batch) {
      const line = `@batch=${ref}${piece.concat ? `;${CONCAT_TAG}` : ''} ${ircCommand} ${target} :${piece.text}`;
      lines.push({ key, line, ...(stale ? { skipIf: stale } : {}) });
    }
    lines.push({ key, line: `BATCH -${ref}`, ...(stale ? { skipIf: stale } : {}) });
  }
  return lines;
}

/**
 * Longest raw line the server relays to others with the bot's prefix in front
 * (`:nick!user@host `, unknown parts at their worst), as it does for TOPIC,
 * PART or KICK: that must still fit in 512 bytes.
 */
export function rawMaxBytes(identity: Identity): number {
  return IRC_LINE_MAX - 2 - prefixBytes(identity);
}

/** A raw line the server does not relay (NAMES, JOIN) only has to fit itself: 510 bytes and CRLF. */
const UNRELAYED_MAX_BYTES = IRC_LINE_MAX - 2;

function rawLines(line: string, { rawAllow, identity }: LineContext): LinesResult {
  const verb = line.split(' ', 1)[0].toUpperCase();
  if (!rawAllow.includes(verb)) {
    return reject('raw_not_allowed', `raw command ${verb} is not allowed (ZEN_RAW_ALLOW is ${rawAllow.join(',') || 'empty'})`);
  }
  const size = Buffer.byteLength(line);
  if (isRelayedCommand(verb)) {
    const relayed = prefixBytes(identity) + size + 2;
    if (relayed > IRC_LINE_MAX) {
      return reject('bad_raw', `raw command is ${relayed} bytes as the server relays it with the bot's prefix (${prefixBytes(identity)} bytes); an IRC line holds at most ${IRC_LINE_MAX}, so shorten it by ${relayed - IRC_LINE_MAX}`);
    }
  } else if (size > UNRELAYED_MAX_BYTES) {
    return reject('bad_raw', `raw command is ${size} bytes; an IRC line holds at most ${UNRELAYED_MAX_BYTES}: shorten it`);
  }
  return { ok: true, lines: [{ key: RAW_KEY, line }] };
}

function reject(code: Rejection['code'], reason: string, id?: string): LinesResult {
  return { ok: false, rejection: id === undefined ? { code, reason } : { code, reason, id } };
}
