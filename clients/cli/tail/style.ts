/**
 * Terminal colours for `zen tail`, as plain ANSI codes; all of them are
 * no-ops when colour is off. `visible()` makes text from IRC safe to print:
 * control characters (escape sequences included) are shown, never obeyed.
 */

export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  /** A stable colour per nick, so a conversation is easy to follow. */
  nick(text: string): string;
}

const NICK_COLOURS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96];

function code(n: number, on: boolean): (text: string) => string {
  return on ? (text) => `\x1b[${n}m${text}\x1b[0m` : (text) => text;
}

export function createStyle(on: boolean): Style {
  return {
    dim: code(2, on),
    bold: code(1, on),
    red: code(31, on),
    green: code(32, on),
    yellow: code(33, on),
    cyan: code(36, on),
    magenta: code(35, on),
    nick: (text) => {
      if (!on) return text;
      let hash = 0;
      for (const ch of text.toLowerCase()) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
      return code(NICK_COLOURS[hash % NICK_COLOURS.length], true)(text);
    },
  };
}

/** Text with CR, LF, tab and every other control character written out (`\n`, `\x1b`). */
export function visible(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
