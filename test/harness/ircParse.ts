/**
 * Parsing of raw IRC lines, IRCv3 message tags included (with unescaping).
 */

/** One line received from the server. */
export interface ParsedLine {
  /** The line as received, without the trailing CRLF/LF (decoded as UTF-8). */
  raw: string;
  /** Byte length of the line on the wire, including its CRLF (or LF). */
  rawBytes: number;
  /** IRCv3 tags, unescaped; a tag without value maps to "". */
  tags: Record<string, string>;
  /** The prefix without ":", e.g. "alice!~alice@127.0.0.1" or "irc.test". */
  prefix?: string;
  /** Nick part of the prefix; for a server prefix, the server name. */
  nick?: string;
  user?: string;
  host?: string;
  /** Upper-cased command or 3-digit numeric. */
  command: string;
  /** Parameters; the trailing one without its ":". */
  params: string[];
  /** Position in IrcUser.lines. */
  index: number;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

/** Undoes IRCv3 tag value escaping (\: \s \\ \r \n; other "\x" become "x"; a lone trailing "\" is dropped). */
export function unescapeTagValue(value: string): string {
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

/** Parses the tag section (without the leading "@"). */
export function parseTags(section: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of section.split(';')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) tags[item] = '';
    else tags[item.slice(0, eq)] = unescapeTagValue(item.slice(eq + 1));
  }
  return tags;
}

/** Parses one raw line (without CRLF). Throws on a line with no command. */
export function parseLine(raw: string, rawBytes: number, index = 0, receivedAt = Date.now()): ParsedLine {
  let rest = raw;
  let tags: Record<string, string> = {};
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    tags = parseTags(space < 0 ? rest.slice(1) : rest.slice(1, space));
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  rest = rest.replace(/^ +/, '');
  let prefix: string | undefined;
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    prefix = space < 0 ? rest.slice(1) : rest.slice(1, space);
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  const params: string[] = [];
  let command = '';
  while (rest.length > 0) {
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
  if (command === '') throw new Error(`unparsable IRC line (no command): ${JSON.stringify(raw)}`);
  const line: ParsedLine = { raw, rawBytes, tags, command, params, index, receivedAt };
  if (prefix !== undefined) Object.assign(line, { prefix }, splitPrefix(prefix));
  return line;
}

function splitPrefix(prefix: string): { nick: string; user?: string; host?: string } {
  const at = prefix.indexOf('@');
  const host = at >= 0 ? prefix.slice(at + 1) : undefined;
  const beforeHost = at >= 0 ? prefix.slice(0, at) : prefix;
  const bang = beforeHost.indexOf('!');
  const nick = bang >= 0 ? beforeHost.slice(0, bang) : beforeHost;
  const user = bang >= 0 ? beforeHost.slice(bang + 1) : undefined;
  return {
    nick,
    ...(user !== undefined ? { user } : {}),
    ...(host !== undefined ? { host } : {}),
  };
}
