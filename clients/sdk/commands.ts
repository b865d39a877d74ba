/**
 * Command parsing: turns the text of a directed message (the bot already
 * removed the address: `!woot a b` and `zen: woot a b` both arrive as
 * `woot a b`) into a command name and its arguments. Pure functions, no I/O.
 */
import { isCommandName } from '@zenrelay/protocol';

export interface ParsedCommand {
  /** The command name, lower-cased: `woot`. */
  name: string;
  /** Everything after the name, trimmed: `"a b"`. Empty when there are none. */
  args: string;
  /** The arguments split on whitespace; "double" or 'single' quotes keep spaces together. */
  argv: string[];
}

export interface ParseOptions {
  /**
   * A command prefix to drop when the text still starts with it, as in
   * `zen: !woot` (which arrives as `!woot`). Default: none.
   */
  prefix?: string;
}

/**
 * Parses `name args…`. Returns undefined when the text does not start with
 * something that can be a command name (e.g. `hello, world`, `???`, empty).
 */
export function parseCommand(text: string, options: ParseOptions = {}): ParsedCommand | undefined {
  let rest = text.trim();
  const prefix = options.prefix ?? '';
  if (prefix !== '' && rest.startsWith(prefix)) rest = rest.slice(prefix.length);
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
  if (!match) return undefined;
  const [, word, tail = ''] = match;
  if (!isCommandName(word)) return undefined;
  const args = tail.trim();
  return { name: word.toLowerCase(), args, argv: splitArgs(args) };
}

/**
 * Splits an argument string on whitespace. A quoted part ("…" or '…') is one
 * argument without its quotes; an unclosed quote runs to the end of the text.
 */
export function splitArgs(args: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of args) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) argv.push(current);
  return argv;
}

/** Normalizes a command name for registration; throws with what to do when it cannot be one. */
export function commandName(name: string): string {
  if (!isCommandName(name)) {
    throw new Error(
      `command name ${JSON.stringify(name)} is not valid: use 1-32 letters, digits, '_', '.', '?' or '-', without the prefix (e.g. 'woot', not '!woot')`,
    );
  }
  return name.toLowerCase();
}
