import type { Client, WhoisEvent } from 'irc-framework';
import { isNick, RpcError } from '@zenrelay/protocol';
import { ircLower } from '../irc/channelMembers';

/**
 * The `whois` request: sends WHOIS through the send queue (so it is paced
 * like every other line) and answers from the server's reply, which
 * irc-framework collects into one `whois` event at RPL_ENDOFWHOIS.
 * Concurrent lookups of one nick share one WHOIS.
 */

export interface WhoisResult {
  nick: string;
  user?: string;
  host?: string;
  realname?: string;
  /** Services account, where the server says (RPL_WHOISACCOUNT). */
  account?: string;
  server?: string;
  channels?: string[];
  /** The server says the user is a bot (RPL_WHOISBOT). */
  bot?: boolean;
}

export function whoisResult(event: WhoisEvent): WhoisResult {
  const out: WhoisResult = { nick: event.nick };
  if (event.ident) out.user = event.ident;
  if (event.hostname) out.host = event.hostname;
  if (event.real_name !== undefined) out.realname = event.real_name;
  if (event.account) out.account = event.account;
  if (event.server) out.server = event.server;
  if (event.bot) out.bot = true;
  if (event.channels) out.channels = event.channels.trim().split(/\s+/).filter(Boolean);
  return out;
}

type Waiter = { resolve(result: WhoisEvent): void };

export class WhoisLookup {
  private readonly waiting = new Map<string, Waiter[]>();

  /** `send` puts a line in the send queue; false when it cannot (IRC down, queue full). */
  constructor(private readonly send: (line: string) => boolean) {}

  attach(client: Client): void {
    client.on('whois', (event) => {
      const key = ircLower(event.nick);
      const waiters = this.waiting.get(key);
      if (!waiters) return;
      this.waiting.delete(key);
      for (const w of waiters) w.resolve(event);
    });
  }

  async lookup(nick: unknown, timeoutMs: number): Promise<WhoisResult> {
    if (typeof nick !== 'string' || !isNick(nick)) throw new RpcError('bad_request', `params.nick must be an IRC nick, got ${JSON.stringify(nick)}`);
    const key = ircLower(nick);
    let waiters = this.waiting.get(key);
    const first = waiters === undefined;
    if (!waiters) {
      waiters = [];
      this.waiting.set(key, waiters);
    }
    let timer: NodeJS.Timeout | undefined;
    const list = waiters;
    const event = await new Promise<WhoisEvent>((resolve, reject) => {
      const waiter: Waiter = { resolve };
      list.push(waiter);
      const giveUp = (error: RpcError) => {
        const at = list.indexOf(waiter);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0 && this.waiting.get(key) === list) this.waiting.delete(key);
        reject(error);
      };
      timer = setTimeout(() => giveUp(new RpcError('timeout', `the IRC server did not answer WHOIS ${nick} within ${timeoutMs} ms`)), timeoutMs);
      if (first && !this.send(`WHOIS ${nick}`)) giveUp(new RpcError('unavailable', 'the bot is not connected to IRC (or its send queue is full); try again later'));
    }).finally(() => clearTimeout(timer));
    if (event.error === 'not_found' || !event.ident) throw new RpcError('not_found', `no user ${nick} on IRC`);
    return whoisResult(event);
  }
}
