import type { OutboundCommand, Rejection } from '../clients/protocol';
import { MIN_SPLIT_BYTES, splitText, textBudget } from './outbound/splitter';
import { RAW_KEY, type OutboundLine } from './outbound/sendQueue';
import type { Identity } from './irc/ircConnection';
import { isRelayedCommand, prefixBytes } from './irc/lineWriter';

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
  if (command.kind === 'raw') return rawLines(command.line, context.rawAllow, context.identity);
  const { identity } = context;
  const ircCommand = command.type === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const action = command.type === 'privmsg_action';
  const lines: OutboundLine[] = [];
  for (const target of command.targets) {
    const budget = textBudget({ nick: identity.nick, user: identity.user, host: identity.host, command: ircCommand, target, action });
    if (budget < MIN_SPLIT_BYTES) {
      return reject('bad_target', `target ${JSON.stringify(target)} is too long to send anything to`, command.id);
    }
    const key = target.toLowerCase();
    for (const chunk of splitText(command.message, budget)) {
      const text = action ? `\x01ACTION ${chunk}\x01` : chunk;
      lines.push({ key, line: `${ircCommand} ${target} :${text}` });
    }
  }
  return { ok: true, lines };
}

function rawLines(line: string, rawAllow: readonly string[], identity: Identity): LinesResult {
  const verb = line.split(' ', 1)[0].toUpperCase();
  if (!rawAllow.includes(verb)) {
    return reject('raw_not_allowed', `raw command ${verb} is not allowed (ZEN_RAW_ALLOW is ${rawAllow.join(',') || 'empty'})`);
  }
  if (Buffer.byteLength(line) > RAW_MAX_BYTES) {
    return reject('bad_raw', `raw command is ${Buffer.byteLength(line)} bytes; an IRC line holds at most ${RAW_MAX_BYTES}`);
  }
  // The server relays a TOPIC, PART… to others with the bot's prefix in front: that must fit too.
  if (isRelayedCommand(verb)) {
    const relayed = prefixBytes(identity) + Buffer.byteLength(line) + 2;
    if (relayed > 512) {
      return reject('bad_raw', `raw command is ${relayed} bytes as the server relays it with the bot's prefix (${prefixBytes(identity)} bytes); an IRC line holds at most 512, so shorten it by ${relayed - 512}`);
    }
  }
  return { ok: true, lines: [{ key: RAW_KEY, line }] };
}

function reject(code: Rejection['code'], reason: string, id?: string): LinesResult {
  return { ok: false, rejection: id === undefined ? { code, reason } : { code, reason, id } };
}
