import type { IrcLine } from '../delivery/ircLine';
import type { KnownAccount } from '../trust/accountCache';
import { ircLower } from './channelMembers';

/**
 * Asks the server for a nick's services account when no tag told the bot:
 * WHOX (`WHO <nick> %tuhnfa,<token>`, one 354 line) where the server
 * advertises WHOX, else WHOIS (RPL_WHOISACCOUNT). Lines go through the send
 * queue like any other; lookups of one nick share one request. Resolves
 * undefined when the server does not answer in time or knows no such nick:
 * the caller then knows nothing, and trusts nothing.
 */

/** The WHOX query token zenrelay uses (numeric: some servers take digits only). */
export const WHOX_TOKEN = '271';
/** Most nicks looked up at once; past that a sender is not looked up (no admin by account), so a crowd cannot fill the send queue with WHO lines. */
export const MAX_PENDING_LOOKUPS = 50;

export interface WhoxReply {
  nick: string;
  user: string;
  host: string;
  flags: string;
  /** undefined when not logged in (WHOX says `0`). */
  account: string | undefined;
}

/** Parses `354 <me> <token> <user> <host> <nick> <flags> <account>` for our token; undefined otherwise. Pure. */
export function parseWhoxReply(line: IrcLine): WhoxReply | undefined {
  if (line.command !== '354' || line.params.length < 7 || line.params[1] !== WHOX_TOKEN) return undefined;
  const [, , user, host, nick, flags, account] = line.params;
  if (!nick || !user || !host) return undefined;
  return { nick, user, host, flags: flags ?? '', account: account === '0' || account === '' ? undefined : account };
}

export interface AccountLookupDeps {
  /** Puts a line in the send queue; false when it cannot (IRC down, queue full). */
  send(line: string): boolean;
  /** Whether the server advertises WHOX (ISUPPORT). */
  whox(): boolean;
  /** The bot-mode letter (ISUPPORT BOT, e.g. `B`), when the server has one. */
  botFlag(): string | undefined;
  /** WHOIS through the bot's shared lookup: account and bot flag, or throws when not found / no answer. */
  whois(nick: string, timeoutMs: number): Promise<{ account?: string; bot?: boolean }>;
}

type Resolve = (known: KnownAccount | undefined) => void;

export class AccountLookup {
  private readonly pending = new Map<string, { waiters: Resolve[]; reply?: KnownAccount }>();
  /** WHOIS lookups in flight (WHOX ones are in `pending`). */
  private whoisInFlight = 0;

  constructor(private readonly deps: AccountLookupDeps) {}

  /** Feed every server line (only 354 with our token and 315 matter). */
  onServerLine(line: IrcLine): void {
    const reply = parseWhoxReply(line);
    if (reply) {
      const entry = this.pending.get(ircLower(reply.nick));
      const flag = this.deps.botFlag();
      if (entry) entry.reply = { account: reply.account, ...(flag && reply.flags.includes(flag) ? { bot: true } : {}) };
      return;
    }
    if (line.command === '315' && line.params[1] !== undefined) {
      const key = ircLower(line.params[1]);
      const entry = this.pending.get(key);
      if (!entry) return;
      this.pending.delete(key);
      for (const w of entry.waiters) w(entry.reply);
    }
  }

  /** What the server says about `nick`'s account; undefined when it could not say. */
  lookup(nick: string, timeoutMs: number): Promise<KnownAccount | undefined> {
    if (!this.deps.whox()) return this.viaWhois(nick, timeoutMs);
    const key = ircLower(nick);
    let entry = this.pending.get(key);
    if (!entry && this.pending.size >= MAX_PENDING_LOOKUPS) return Promise.resolve(undefined);
    const first = entry === undefined;
    if (!entry) {
      entry = { waiters: [] };
      this.pending.set(key, entry);
    }
    const list = entry;
    return new Promise<KnownAccount | undefined>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Resolve = (known) => {
        clearTimeout(timer);
        resolve(known);
      };
      list.waiters.push(waiter);
      timer = setTimeout(() => {
        const at = list.waiters.indexOf(waiter);
        if (at >= 0) list.waiters.splice(at, 1);
        if (list.waiters.length === 0 && this.pending.get(key) === list) this.pending.delete(key);
        resolve(undefined);
      }, timeoutMs);
      if (first && !this.deps.send(`WHO ${nick} %tuhnfa,${WHOX_TOKEN}`)) {
        this.pending.delete(key);
        for (const w of list.waiters) w(undefined);
      }
    });
  }

  /** Drops what is in flight (a new connection: the old one's replies will not come). */
  clear(): void {
    for (const entry of this.pending.values()) for (const w of entry.waiters) w(undefined);
    this.pending.clear();
  }

  private async viaWhois(nick: string, timeoutMs: number): Promise<KnownAccount | undefined> {
    if (this.whoisInFlight >= MAX_PENDING_LOOKUPS) return undefined;
    this.whoisInFlight++;
    try {
      const result = await this.deps.whois(nick, timeoutMs);
      return { account: result.account, ...(result.bot ? { bot: true } : {}) };
    } catch {
      return undefined;
    } finally {
      this.whoisInFlight--;
    }
  }
}
