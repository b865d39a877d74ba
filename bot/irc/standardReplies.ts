import type { IrcLine } from '../delivery/ircLine';

/**
 * IRCv3 standard replies (`FAIL`, `WARN`, `NOTE`): what the server says
 * about a command, in a form the bot can log and publish as an error event.
 * Pure.
 */

export interface StandardReply {
  kind: 'FAIL' | 'WARN' | 'NOTE';
  /** The command it is about (`*` when none). */
  command: string;
  /** Machine-readable code, e.g. INVALID_TARGET. */
  code: string;
  /** Context parameters between the code and the description. */
  context: string[];
  description: string;
}

const KINDS = new Set(['FAIL', 'WARN', 'NOTE']);

/** The standard reply a server line is, or undefined (`<kind> <command> <code> [<context>...] :<description>`). */
export function standardReply(line: IrcLine): StandardReply | undefined {
  if (!KINDS.has(line.command) || line.params.length < 3) return undefined;
  const [command, code] = line.params;
  return {
    kind: line.command as StandardReply['kind'],
    command,
    code,
    context: line.params.slice(2, -1),
    description: line.params[line.params.length - 1],
  };
}

/** The error event fields for a standard reply: `irc_fail` / `irc_warn` / `irc_note`, with the server's words. */
export function standardReplyError(reply: StandardReply): { code: string; reason: string } {
  const context = reply.context.length > 0 ? ` (${reply.context.join(' ')})` : '';
  return { code: `irc_${reply.kind.toLowerCase()}`, reason: `${reply.command} ${reply.code}${context}: ${reply.description}` };
}
