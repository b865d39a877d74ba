/**
 * Text helpers for the formatters: one-line excerpts and removal of control
 * characters that could turn a relayed text into a CTCP request. Pure.
 */

/** C0 controls except IRC formatting (bold 02, colour 03, reset 0F, italic 1D, underline 1F), tab and newline. */
const UNSAFE_CONTROLS = /[\x00\x01\x04-\x08\x0b\x0c\x0e\x10-\x1c\x1e\x7f]/g;

/** Removes unsafe control characters and turns CRLF/CR into LF. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE_CONTROLS, '');
}

/** The first line of `text`, cleaned, trimmed, and cut to `max` characters with `…`. */
export function firstLine(text: string, max = 200): string {
  return excerpt(cleanText(text).split('\n').find((l) => l.trim() !== '') ?? '', max);
}

/** All of `text` on one line (newlines become spaces), cut to `max` characters with `…`. */
export function oneLine(text: string, max = 200): string {
  return excerpt(cleanText(text).replace(/\s*\n\s*/g, ' '), max);
}

function excerpt(line: string, max: number): string {
  const trimmed = line.trim();
  const chars = [...trimmed];
  return chars.length <= max ? trimmed : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A string property of an unknown JSON value, or undefined. */
export function str(value: unknown, ...path: string[]): string | undefined {
  let v: unknown = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'string' ? v : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
