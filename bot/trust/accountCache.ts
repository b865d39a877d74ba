import { ircLower } from '../irc/channelMembers';

/**
 * What the bot knows about each nick's services account, from sources the
 * server vouches for: an `account` tag or extended JOIN the bot negotiated,
 * ACCOUNT (account-notify), or a WHOX/WHOIS reply. Entries live a short
 * while (`ttlMs`) and follow NICK, QUIT and ACCOUNT; at most `maxEntries`
 * (the oldest go first). Keyed by IRC-lowercased nick in a Map (any nick,
 * `__proto__` included, is a plain key). Pure apart from the clock it is given.
 */

export interface KnownAccount {
  /** The account, or undefined when the server said the nick is not logged in. */
  account: string | undefined;
  /** The server said the user is a bot (WHO flag `B`, RPL_WHOISBOT). */
  bot?: boolean;
}

interface Entry extends KnownAccount {
  at: number;
}

export interface AccountCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

export class AccountCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: AccountCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Records what the server said about `nick` (account undefined = not logged in). */
  set(nick: string, known: KnownAccount): void {
    if (this.ttlMs <= 0) return;
    const key = ircLower(nick);
    this.entries.delete(key);
    this.entries.set(key, { ...known, at: this.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** What is known about `nick`, or undefined when nothing (or only something too old) is. */
  get(nick: string): KnownAccount | undefined {
    const key = ircLower(nick);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.bot === undefined ? { account: entry.account } : { account: entry.account, bot: entry.bot };
  }

  /** A NICK change: the account goes with the person. */
  rename(oldNick: string, newNick: string): void {
    const entry = this.entries.get(ircLower(oldNick));
    this.entries.delete(ircLower(oldNick));
    if (entry) {
      this.entries.delete(ircLower(newNick));
      this.entries.set(ircLower(newNick), entry);
    } else {
      // Whatever was known under the new nick was someone else.
      this.entries.delete(ircLower(newNick));
    }
  }

  forget(nick: string): void {
    this.entries.delete(ircLower(nick));
  }

  clear(): void {
    this.entries.clear();
  }
}
