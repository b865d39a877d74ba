import type { IrcLine } from './ircLine';

/**
 * Server replies that refuse a line the bot sent: the numerics of "no such
 * nick", "cannot send to channel" and the like, and IRCv3 `FAIL` standard
 * replies. Pure: turns a parsed line into what was refused and why.
 */

/** A server's refusal of one line. */
export interface Refusal {
  /** The target the server names (nick or channel), as the server wrote it; undefined for FAIL without one. */
  target: string | undefined;
  /** Machine-readable: no_such_nick, cannot_send_to_channel, … or fail_<code> for FAIL. */
  code: string;
  /** The numeric (`401`) or `FAIL`. */
  numeric: string;
  /** The command a FAIL is about (PRIVMSG…); undefined for numerics. */
  command: string | undefined;
  /** The server's reason, in words. */
  reason: string;
}

/** Numerics that refuse a line, with their code. Every one has the form `<numeric> <me> <target> :<reason>`. */
export const REFUSAL_NUMERICS: ReadonlyMap<string, string> = new Map([
  ['401', 'no_such_nick'],
  ['403', 'no_such_channel'],
  ['404', 'cannot_send_to_channel'],
  ['406', 'was_no_such_nick'],
  ['442', 'not_on_channel'],
  ['471', 'channel_is_full'],
  ['472', 'unknown_mode'],
  ['473', 'invite_only_channel'],
  ['474', 'banned_from_channel'],
  ['475', 'bad_channel_key'],
  ['476', 'bad_channel_mask'],
  ['477', 'need_registered_nick'],
  ['482', 'chanop_privileges_needed'],
  ['489', 'secure_only_channel'],
]);

const MESSAGES: ReadonlySet<string> = new Set(['PRIVMSG', 'NOTICE', 'TAGMSG']);
const JOINS: ReadonlySet<string> = new Set(['JOIN']);

/**
 * The commands a numeric can answer, where that is narrower than "any": a
 * 474 answers a JOIN, never a PRIVMSG, so it is not blamed on a notice.
 */
const ANSWERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['401', MESSAGES],
  ['404', MESSAGES],
  ['406', MESSAGES],
  ['471', JOINS],
  ['473', JOINS],
  ['474', JOINS],
  ['475', JOINS],
  ['476', JOINS],
  ['489', JOINS],
]);

/** Whether `refusal` can be the answer to a line of `command`. */
export function canAnswer(refusal: Refusal, command: string): boolean {
  if (refusal.command !== undefined) return refusal.command === command;
  return ANSWERS.get(refusal.numeric)?.has(command) ?? true;
}

/** Whether a line with this command can be a refusal (refusalOf may find one in it). */
export function mayRefuse(command: string): boolean {
  return command === 'FAIL' || REFUSAL_NUMERICS.has(command);
}

/** The refusal a server line carries, or undefined when it is not one. */

export function refusalOf(line: IrcLine): Refusal | undefined {
  const code = REFUSAL_NUMERICS.get(line.command);
  if (code !== undefined) {
    if (line.params.length < 2) return undefined;
    const target = line.params.length >= 3 ? line.params[1] : undefined;
    const reason = line.params[line.params.length - 1] || code.replace(/_/g, ' ');
    return { target, code, numeric: line.command, command: undefined, reason };
  }
  if (line.command === 'FAIL' && line.params.length >= 3) {
    // FAIL <command> <code> [<context>...] :<description>
    const [command, failCode] = line.params;
    const context = line.params.slice(2, -1);
    return {
      target: context[0],
      code: `fail_${failCode.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`,
      numeric: 'FAIL',
      command: command.toUpperCase(),
      reason: line.params[line.params.length - 1] || failCode,
    };
  }
  return undefined;
}
