/**
 * NickServ for networks without SASL (or to take a nick back): the command
 * templates of IRC_NICKSERV_IDENTIFY and IRC_NICKSERV_REGAIN, with `{nick}`
 * (IRC_NICK, the account's nick) and `{password}` (IRC_NICKSERV_PASSWORD)
 * filled in, sent as a PRIVMSG to IRC_NICKSERV_NICK. Pure.
 */

export const PLACEHOLDERS = ['nick', 'password'] as const;

/** Why `template` is unusable, or undefined when it is fine. */
export function templateProblem(template: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(template)) return 'must be one line';
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1])) return `unknown placeholder {${match[1]}}; use {nick} and {password}`;
  }
  return undefined;
}

/** The command with the placeholders filled in, spaces collapsed (an empty password leaves no gap). */
export function renderCommand(template: string, values: { nick: string; password: string }): string {
  return template
    .replace(/\{nick\}/g, values.nick)
    .replace(/\{password\}/g, values.password)
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** The IRC line that sends `command` to the service `service`. */
export function serviceLine(service: string, command: string): string {
  return `PRIVMSG ${service} :${command}`;
}
