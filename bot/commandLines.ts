import type { OutboundCommand, Rejection } from '../clients/protocol';
import { MIN_SPLIT_BYTES, splitText, textBudget } from './outbound/splitter';
import { RAW_KEY, type OutboundLine } from './outbound/sendQueue';
import { withoutCtcp } from './outbound/ctcpGuard';
import type { Identity } from './irc/ircConnection';

/**
 * Turns a valid `out` command into the exact IRC lines to send: text split to
 * fit 512 bytes as relayed (with the bot's own prefix counted), one fairness
 * key per target, raw lines checked against the allow list. Pure.
 */

export interface LineContext {
  identity: Identity;
  rawAllow: readonly string[];
}

export type LinesResult = { ok: true; lines: OutboundLine[] } | { ok: false; rejection: Rejection };

const RAW_MAX_BYTES = 510;

export function commandLines(command: OutboundCommand, context: LineContext): LinesResult {
  if (command.kind === 'raw') return rawLines(command.line, context.rawAllow);
  const { identity } = context;
  const ircCommand = command.type === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const action = command.type === 'privmsg_action';
  // \x01 would frame a CTCP request: text on `out` never carries one (an action's frame is the bot's own).
  const message = withoutCtcp(command.message);
  if (!/[^\r\n\x00]/.test(message)) return reject('empty_message', 'message has no text to send once CTCP delimiters (\\x01) are removed', command.id);
  const lines: OutboundLine[] = [];
  for (const target of command.targets) {
    const budget = textBudget({ nick: identity.nick, user: identity.user, host: identity.host, command: ircCommand, target, action });
    if (budget < MIN_SPLIT_BYTES) {
      return reject('bad_target', `target ${JSON.stringify(target)} is too long to send anything to`, command.id);
    }
    const key = target.toLowerCase();
    for (const chunk of splitText(message, budget)) {
      const text = action ? `\x01ACTION ${chunk}\x01` : chunk;
      lines.push({ key, line: `${ircCommand} ${target} :${text}` });
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
