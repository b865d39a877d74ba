import { hostmaskMatches, hostmaskOf, isHostmask } from './hostmask';

/**
 * Who is an admin (`ZEN_ADMINS`): services accounts (`account:alice`) and
 * hostmask globs (`*!~ops@ops.example.org`). A nick alone never grants
 * anything (ZenIRCBot trusted any nick containing an admin's name). An account
 * counts only when the server vouched for it: from an IRCv3 tag or
 * extended-join the bot negotiated, or a WHOIS/WHOX reply. Pure.
 */

export interface AdminRules {
  /** Lowercased account names. */
  accounts: ReadonlySet<string>;
  masks: readonly string[];
}

export type AdminRulesResult = { ok: true; rules: AdminRules } | { ok: false; problem: string };

export function parseAdmins(raw: string): AdminRulesResult {
  const accounts = new Set<string>();
  const masks: string[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (entry.toLowerCase().startsWith('account:')) {
      const account = entry.slice('account:'.length);
      if (!/^[^\s*?!@,]+$/.test(account)) return { ok: false, problem: `${JSON.stringify(entry)}: an account name has no spaces, wildcards, ! or @` };
      accounts.add(account.toLowerCase());
    } else if (isHostmask(entry)) {
      if (/^\*+!\*+@\*+$/.test(entry)) return { ok: false, problem: `${JSON.stringify(entry)} would make everyone an admin` };
      masks.push(entry);
    } else {
      return {
        ok: false,
        problem: `${JSON.stringify(entry)} is neither account:<name> nor a nick!user@host mask (a nick alone is never trusted; e.g. account:alice or *!~ops@ops.example.org)`,
      };
    }
  }
  return { ok: true, rules: { accounts, masks } };
}

export interface Sender {
  nick: string;
  ident?: string;
  host?: string;
  /** The services account, only when the server vouched for it. */
  account?: string;
}

export function isAdmin(rules: AdminRules, sender: Sender): boolean {
  if (sender.account !== undefined && rules.accounts.has(sender.account.toLowerCase())) return true;
  if (sender.ident === undefined || sender.host === undefined) return false;
  const full = hostmaskOf(sender.nick, sender.ident, sender.host);
  return rules.masks.some((mask) => hostmaskMatches(mask, full));
}
