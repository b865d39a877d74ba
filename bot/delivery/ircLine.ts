/**
 * Parses one IRC line as the server sent it (IRCv3 tags, source, command,
 * parameters), for the delivery tracker, which needs the tags (`label`,
 * `batch`, `msgid`) irc-framework's events do not always carry. Pure.
 */

export interface IrcLine {
  /** IRCv3 tags, unescaped; a tag without value maps to "". Null prototype: tag names are outside strings. */
  tags: Record<string, string>;
  /** Nick (or server name) of the source, when the line has one. */
  source: string | undefined;
  /** Upper-cased command or 3-digit numeric. */
  command: string;
  /** Parameters; the trailing one without its ":". */
  params: string[];
}

/** Undoes IRCv3 tag value escaping (`\:` `\s` `\\` `\r` `\n`; another `\x` is `x`; a lone trailing `\` is dropped). */
export function unescapeTagValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = value[++i];
    if (next === undefined) break;
    out += next === ':' ? ';' : next === 's' ? ' ' : next === 'r' ? '\r' : next === 'n' ? '\n' : next;
  }
  return out;
}

/** Escapes a tag value for sending (the inverse of unescapeTagValue). */
export function escapeTagValue(value: string): string {
  return value.replace(/[\\; \r\n]/g, (ch) => (ch === '\\' ? '\\\\' : ch === ';' ? '\\:' : ch === ' ' ? '\\s' : ch === '\r' ? '\\r' : '\\n'));
}

/**
 * The command of a line (without CRLF), upper-cased, read without parsing the
 * rest: the command parseIrcLine finds, or '' where it finds none.
 */
export function lineCommand(raw: string): string {
  let at = 0;
  if (raw.charCodeAt(0) === 0x40 /* @ */) {
    const space = raw.indexOf(' ');
    if (space < 0) return '';
    at = space + 1;
  }
  while (raw.charCodeAt(at) === 0x20) at++;
  if (raw.charCodeAt(at) === 0x3a /* : */) {
    const space = raw.indexOf(' ', at);
    if (space < 0) return '';
    at = space + 1;
    while (raw.charCodeAt(at) === 0x20) at++;
  }
  const end = raw.indexOf(' ', at);
  return (end < 0 ? raw.slice(at) : raw.slice(at, end)).toUpperCase();
}

/** Parses a line (without CRLF); undefined when it has no command. */
export function parseIrcLine(raw: string): IrcLine | undefined {
  let rest = raw;
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    const section = space < 0 ? rest.slice(1) : rest.slice(1, space);
    for (const item of section.split(';')) {
      if (item === '') continue;
      const eq = item.indexOf('=');
      if (eq < 0) tags[item] = '';
      else tags[item.slice(0, eq)] = unescapeTagValue(item.slice(eq + 1));
    }
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  rest = rest.replace(/^ +/, '');
  let source: string | undefined;
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    const prefix = space < 0 ? rest.slice(1) : rest.slice(1, space);
    const bang = prefix.search(/[!@]/);
    source = bang < 0 ? prefix : prefix.slice(0, bang);
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  const params: string[] = [];
  let command = '';
  for (;;) {
    rest = rest.replace(/^ +/, '');
    if (rest === '') break;
    if (command !== '' && rest.startsWith(':')) {
      params.push(rest.slice(1));
      break;
    }
    const space = rest.indexOf(' ');
    const word = space < 0 ? rest : rest.slice(0, space);
    rest = space < 0 ? '' : rest.slice(space + 1);
    if (command === '') command = word.toUpperCase();
    else params.push(word);
  }
  if (command === '') return undefined;
  return { tags, source, command, params };
}

/** The command and first parameter of a line the bot writes (no tags, no source): `PRIVMSG #a :hi` → PRIVMSG, #a. */
export function outgoingCommand(line: string): { command: string; target: string | undefined } {
  const parsed = parseIrcLine(line);
  return parsed ? { command: parsed.command, target: parsed.params[0] } : { command: '', target: undefined };
}
