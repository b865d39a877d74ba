import { hostmaskMatches, hostmaskOf, isHostmask } from './hostmask';

/**
 * Who the bot does not listen to: masks from `ZEN_IGNORE` (fixed) plus the
 * runtime list the admin service edits (kept in Redis, see ignoreStore.ts).
 * A message from an ignored sender publishes nothing on `in` (no privmsg, no
 * directed_privmsg, no notice). Masks are nick!user@host globs, matched in
 * linear time (hostmask.ts). Pure.
 */

export type MaskResult = { ok: true; mask: string } | { ok: false; problem: string };

/** Checks one mask: a full nick!user@host glob that does not match everyone. */
export function checkMask(raw: string): MaskResult {
  const mask = raw.trim();
  if (!isHostmask(mask)) return { ok: false, problem: `${JSON.stringify(raw)} is not a nick!user@host mask (e.g. spammer!*@* or *!*@bad.example.org)` };
  if (/^\*+!\*+@\*+$/.test(mask)) return { ok: false, problem: `${JSON.stringify(raw)} would ignore everyone` };
  if (mask.length > 200) return { ok: false, problem: 'a mask is at most 200 characters' };
  return { ok: true, mask };
}

export type MaskListResult = { ok: true; masks: string[] } | { ok: false; problem: string };

/** Parses a comma-separated list of masks (ZEN_IGNORE). */
export function parseMasks(raw: string): MaskListResult {
  const masks: string[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const checked = checkMask(entry);
    if (!checked.ok) return checked;
    masks.push(checked.mask);
  }
  return { ok: true, masks };
}

export class IgnoreList {
  private runtime: string[] = [];

  constructor(private readonly fixed: readonly string[]) {}

  /** Replaces the runtime list (what Redis holds); invalid masks are left out. */
  setRuntime(masks: Iterable<string>): void {
    this.runtime = [...new Set([...masks].filter((m) => checkMask(m).ok))].sort();
  }

  /** The masks in force: ZEN_IGNORE's, then the runtime list's. */
  masks(): { fixed: string[]; runtime: string[] } {
    return { fixed: [...this.fixed], runtime: [...this.runtime] };
  }

  /** Whether a sender (nick, ident, host from the message prefix) is ignored. */
  ignores(nick: string, ident: string, host: string): boolean {
    const full = hostmaskOf(nick, ident, host);
    return this.fixed.some((m) => hostmaskMatches(m, full)) || this.runtime.some((m) => hostmaskMatches(m, full));
  }
}
