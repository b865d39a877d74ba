import type { OutboundCommand, Rejection } from '../clients/protocol';
import { MIN_SPLIT_BYTES, splitText, textBudget } from './outbound/splitter';
import { RAW_KEY, type OutboundLine } from './outbound/sendQueue';
import type { Identity } from './irc/ircConnection';
import { escapeTagValue } from './delivery/ircLine';

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
}

/** The IRCv3 client tag that threads a reply to the message it answers. */
export const REPLY_TAG = '+draft/reply';

export type LinesResult = { ok: true; lines: OutboundLine[] } | { ok: false; rejection: Rejection };

const RAW_MAX_BYTES = 510;

export function commandLines(command: OutboundCommand, context: LineContext): LinesResult {
  if (command.kind === 'raw') return rawLines(command.line, context.rawAllow);
  const { identity } = context;
  const ircCommand = command.type === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const action = command.type === 'privmsg_action';
  const lines: OutboundLine[] = [];
  // Client tags do not count against the 512 bytes of the message itself.
  const tags = command.replyTo !== undefined && context.replyTag ? `@${REPLY_TAG}=${escapeTagValue(command.replyTo)} ` : '';
  for (const target of command.targets) {
    const budget = textBudget({ nick: identity.nick, user: identity.user, host: identity.host, command: ircCommand, target, action });
    if (budget < MIN_SPLIT_BYTES) {
      return reject('bad_target', `target ${JSON.stringify(target)} is too long to send anything to`, command.id);
    }
    const key = target.toLowerCase();
    for (const chunk of splitText(command.message, budget)) {
      const text = action ? `\x01ACTION ${chunk}\x01` : chunk;
      lines.push({ key, line: `${tags}${ircCommand} ${target} :${text}` });
    }
  }
  return { ok: true, lines };
}

function rawLines(line: string, rawAllow: readonly string[]): LinesResult {
  const verb = line.split(' ', 1)[0].toUpperCase();
  if (!rawAllow.includes(verb)) {
    return reject('raw_not_allowed', `raw command ${verb} is not allowed (ZEN_RAW_ALLOW is ${rawAllow.join(',') || 'empty'})`);
  }
  if (Buffer.byteLength(line) > RAW_MAX_BYTES) {
    return reject('bad_raw', `raw command is ${Buffer.byteLength(line)} bytes; an IRC line holds at most ${RAW_MAX_BYTES}`);
  }
  return { ok: true, lines: [{ key: RAW_KEY, line }] };
}

function reject(code: Rejection['code'], reason: string, id?: string): LinesResult {
  return { ok: false, rejection: id === undefined ? { code, reason } : { code, reason, id } };
}
