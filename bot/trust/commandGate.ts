import { isAdmin, type AdminRules } from './admins';
import type { AccountCache, KnownAccount } from './accountCache';
import type { CommandLimiter } from './commandLimiter';

/**
 * What stands between an IRC message addressed to the bot and a
 * `directed_privmsg` on `in`: the rate limits (per sender, per channel),
 * then who the sender is (services account, hence `admin`), then the bot
 * check for senders the server says are bots. The bot alone sets `admin` and
 * `account` on the event; nothing from elsewhere is kept.
 *
 * The account comes from the message's own `account` tag when account-tag
 * was negotiated (no tag = not logged in); otherwise from the cache
 * (extended-join, account-notify, earlier lookups); otherwise, when an
 * account could make this sender an admin, from a WHOX/WHOIS lookup. Only then
 * does the event wait (at most `lookupTimeoutMs`); everyone else's command
 * goes out at once.
 */

export interface CommandSender {
  nick: string;
  ident: string;
  host: string;
  /** The channel, or undefined for a private message. */
  channel: string | undefined;
  /** From the message's account tag, present only when account-tag was negotiated. */
  account: string | undefined;
  /** The message carried an IRCv3 bot tag. */
  botTag: boolean;
}

export type GateDecision = { publish: true; admin: boolean; account: string | undefined } | { publish: false; why: 'rate_limited' | 'bot' };

export interface CommandGateOptions {
  admins: AdminRules;
  limiter: CommandLimiter | undefined;
  accounts: AccountCache;
  /** Whether account-tag is negotiated on the current connection. */
  accountTag(): boolean;
  lookup(nick: string, timeoutMs: number): Promise<KnownAccount | undefined>;
  lookupTimeoutMs: number;
  /** Publish commands from bots too (ZEN_ANSWER_BOTS). */
  answerBots: boolean;
  /** Tells a sender to slow down (once per flood). */
  slowDown(nick: string): void;
  now?: () => number;
}

export class CommandGate {
  private readonly now: () => number;

  constructor(private readonly options: CommandGateOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The decision, synchronously unless an account lookup is needed: a command
   * then goes out in the same turn as its line's `privmsg` (one write to
   * Redis) instead of a microtask later, behind that write's reply.
   */
  decide(sender: CommandSender): GateDecision | Promise<GateDecision> {
    const o = this.options;
    if (sender.botTag && !o.answerBots) return { publish: false, why: 'bot' };
    if (o.limiter) {
      const verdict = o.limiter.take(`${sender.ident}@${sender.host}`.toLowerCase(), sender.channel?.toLowerCase(), this.now());
      if (!verdict.ok) {
        if (verdict.warn) o.slowDown(sender.nick);
        return { publish: false, why: 'rate_limited' };
      }
    }
    const known = this.known(sender);
    return known instanceof Promise ? known.then((found) => this.verdict(sender, found)) : this.verdict(sender, known);
  }

  private verdict(sender: CommandSender, known: KnownAccount | undefined): GateDecision {
    const o = this.options;
    if (known?.bot && !o.answerBots) return { publish: false, why: 'bot' };
    const account = known?.account;
    const admin = isAdmin(o.admins, { nick: sender.nick, ident: sender.ident, host: sender.host, account });
    return { publish: true, admin, account };
  }

  /** What the server vouched for about the sender, asking it (a promise) only when that could make them an admin. */
  private known(sender: CommandSender): KnownAccount | undefined | Promise<KnownAccount | undefined> {
    const o = this.options;
    if (o.accountTag()) return { account: sender.account, ...(o.accounts.get(sender.nick)?.bot ? { bot: true } : {}) };
    const cached = o.accounts.get(sender.nick);
    if (cached) return cached;
    if (o.admins.accounts.size === 0 || isAdmin(o.admins, { nick: sender.nick, ident: sender.ident, host: sender.host })) return undefined;
    return o.lookup(sender.nick, o.lookupTimeoutMs).then((found) => {
      if (found) o.accounts.set(sender.nick, found);
      return found;
    });
  }
}
