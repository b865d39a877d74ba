import { cacheEntries, NETWORK_TOKENS_MAX, REPLY_CACHE_MAX_ENTRIES, REPLY_CACHES_MAX, replyCaches, trimNetworkTokens, trimReplyCaches } from './replyCaches';
import { Client } from 'irc-framework';

describe('reply caches', () => {
  it("finds irc-framework 4.14's caches on a real client", () => {
    const client = new Client();
    const caches = replyCaches(client);
    expect(caches).toBeDefined();
    (client as unknown as { command_handler: { cache(id: string): { members?: unknown[] } } }).command_handler.cache('names.#c').members = [1, 2];
    expect(Object.keys(caches as object)).toEqual(['names.#c']);
  });

  it('counts array items and text in entries', () => {
    expect(cacheEntries({ members: [1, 2, 3], motd: 'x'.repeat(128), done: true })).toBe(3 + 2 + 1);
  });

  it('drops only the caches over the entry limit', () => {
    const caches: Record<string, unknown> = Object.create(null);
    caches['names.#big'] = { members: new Array(REPLY_CACHE_MAX_ENTRIES + 1).fill(0) };
    caches['names.#small'] = { members: [1] };
    expect(trimReplyCaches(caches)).toEqual(['names.#big']);
    expect(Object.keys(caches)).toEqual(['names.#small']);
  });

  it('drops them all when there are more replies in progress than any server would have', () => {
    const caches: Record<string, unknown> = Object.create(null);
    for (let i = 0; i <= REPLY_CACHES_MAX; i++) caches[`whois.n${i}`] = {};
    expect(trimReplyCaches(caches)).toHaveLength(REPLY_CACHES_MAX + 1);
    expect(Object.keys(caches)).toEqual([]);
  });

  it('forgets ISUPPORT tokens and offered caps beyond the first NETWORK_TOKENS_MAX, keeping the early ones', () => {
    const client = new Client() as unknown as { network: { options: Record<string, unknown>; cap: { available: Map<string, string> } } };
    client.network.options.PREFIX = [{ symbol: '@', mode: 'o' }];
    for (let i = 0; i < NETWORK_TOKENS_MAX + 10; i++) {
      client.network.options[`T${i}`] = true;
      client.network.cap.available.set(`cap${i}`, '');
    }
    const before = Object.keys(client.network.options).length;
    expect(trimNetworkTokens(client)).toBe(before - NETWORK_TOKENS_MAX + 10);
    expect(Object.keys(client.network.options)).toHaveLength(NETWORK_TOKENS_MAX);
    expect(client.network.options.PREFIX).toEqual([{ symbol: '@', mode: 'o' }]);
    expect(client.network.cap.available.size).toBe(NETWORK_TOKENS_MAX);
    expect(trimNetworkTokens(client)).toBe(0);
  });
});
