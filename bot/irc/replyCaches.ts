/**
 * Bounds on the state irc-framework 4.14 keeps while a multi-line server reply
 * is in progress (its command handler's `_caches`: NAMES members until 366,
 * WHOIS fields until 318, MOTD text until 376, a BATCH's lines until its end,
 * LIST, WHO, LINKS…). A server that never sends the end of a reply would make
 * those grow for ever; every CHECK_EVERY_LINES lines from the server the caches
 * are measured and any that is over the limit is dropped (the reply it was
 * collecting is lost, which is all a truncated reply deserves).
 */

/** Entries one reply may collect: array items, or 64 characters of text each. 50k covers the largest real channels. */
export const REPLY_CACHE_MAX_ENTRIES = 50_000;
/** Replies in progress at once (distinct channels, nicks, batches). */
export const REPLY_CACHES_MAX = 200;
/** How often the caches are measured, in lines from the server. */
export const CHECK_EVERY_LINES = 16;

/** ISUPPORT tokens (005) and offered capabilities kept; real servers send a few dozen of each. */
export const NETWORK_TOKENS_MAX = 500;

type Caches = Record<string, unknown>;

/** irc-framework's reply caches of a client (an internal of 4.14), or undefined when not found. */
export function replyCaches(client: unknown): Caches | undefined {
  const handler = (client as { command_handler?: { _caches?: unknown } } | undefined)?.command_handler;
  const caches = handler?._caches;
  return typeof caches === 'object' && caches !== null ? (caches as Caches) : undefined;
}

/** Size of one cache in entries (see REPLY_CACHE_MAX_ENTRIES). */
export function cacheEntries(cache: unknown): number {
  if (typeof cache !== 'object' || cache === null) return 1;
  let entries = 0;
  for (const value of Object.values(cache)) {
    if (Array.isArray(value)) entries += value.length;
    else if (typeof value === 'string') entries += Math.ceil(value.length / 64);
    else entries += 1;
  }
  return entries;
}

/**
 * Drops the caches over the limits; returns the names of those dropped. When
 * there are more than REPLY_CACHES_MAX, all are dropped (they cannot all be
 * genuine replies in progress).
 */
export function trimReplyCaches(caches: Caches): string[] {
  const names = Object.keys(caches);
  const dropped = names.length > REPLY_CACHES_MAX ? names : names.filter((name) => cacheEntries(caches[name]) > REPLY_CACHE_MAX_ENTRIES);
  for (const name of dropped) delete caches[name];
  return dropped;
}

/**
 * Bounds what irc-framework learns about the network from lines a server may
 * repeat without end: ISUPPORT tokens (`network.options`, from 005) and offered
 * capabilities (`network.cap.available`, from CAP LS/NEW). Tokens beyond the
 * first NETWORK_TOKENS_MAX are forgotten; returns how many were.
 */
export function trimNetworkTokens(client: unknown): number {
  const network = (client as { network?: { options?: unknown; cap?: { available?: unknown } } } | undefined)?.network;
  let trimmed = 0;
  const options = network?.options;
  if (typeof options === 'object' && options !== null) {
    const keys = Object.keys(options);
    for (const key of keys.slice(NETWORK_TOKENS_MAX)) delete (options as Record<string, unknown>)[key];
    trimmed += Math.max(0, keys.length - NETWORK_TOKENS_MAX);
  }
  const available = network?.cap?.available;
  if (available instanceof Map && available.size > NETWORK_TOKENS_MAX) {
    const extra = [...available.keys()].slice(NETWORK_TOKENS_MAX);
    for (const key of extra) available.delete(key);
    trimmed += extra.length;
  }
  return trimmed;
}
