import type { Client } from 'irc-framework';
import type { AccountCache } from './accountCache';

/**
 * Keeps the account cache up to date from what the server announces, each
 * source only when its capability was negotiated on this connection (a tag
 * or a field from a capability the bot did not negotiate is never believed):
 *
 * - `account-tag`: every message says its sender's account (no tag = not logged in);
 * - `extended-join`: a JOIN says the joiner's account (`*` = none);
 * - `account-notify`: ACCOUNT says when someone logs in or out.
 *
 * NICK moves an entry to the new nick, QUIT drops it.
 */
export function trackAccounts(client: Client, cache: AccountCache): void {
  const cap = (name: string) => client.network.cap.isEnabled(name);
  cache.clear();
  const fromMessage = (event: { nick?: string; account?: unknown; from_server?: boolean }) => {
    if (event.from_server || typeof event.nick !== 'string' || event.nick === '' || !cap('account-tag')) return;
    cache.set(event.nick, { account: typeof event.account === 'string' && event.account !== '' ? event.account : undefined });
  };
  client.on('privmsg', fromMessage);
  client.on('action', fromMessage);
  client.on('notice', fromMessage);
  client.on('join', (event) => {
    if (typeof event.nick !== 'string' || !cap('extended-join')) return;
    cache.set(event.nick, { account: typeof event.account === 'string' && event.account !== '' ? event.account : undefined });
  });
  client.on('account', (event) => {
    if (typeof event.nick !== 'string' || !cap('account-notify')) return;
    cache.set(event.nick, { account: typeof event.account === 'string' && event.account !== '' ? event.account : undefined });
  });
  client.on('nick', (event) => {
    if (typeof event.nick === 'string' && typeof event.new_nick === 'string') cache.rename(event.nick, event.new_nick);
  });
  client.on('quit', (event) => {
    if (typeof event.nick === 'string') cache.forget(event.nick);
  });
}
