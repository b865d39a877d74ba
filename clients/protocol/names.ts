/**
 * Every Redis channel and key the bot and its clients share. With an empty
 * namespace the names are exactly ZenIRCBot's (`in`, `out`, `zenircbot:nick`);
 * with namespace `net1` every name gets the prefix `net1:`, so several bots can
 * share one Redis. On a Redis Cluster (`busNames(ns, { hashTags: true })`)
 * the keys that must share a slot carry a hash tag; see BusNamesOptions.
 */
export interface BusNames {
  /** Pub/sub channel the bot publishes IRC events on. */
  in: string;
  /** Pub/sub channel the bot takes commands from. */
  out: string;
  /** Pub/sub channel the bot reports rejected `out` payloads on. */
  errors: string;
  /** String key holding the bot's current nick. */
  nickKey: string;
  /** Prefix of the service registry keys (`<prefix><service name>`). */
  servicePrefix: string;
  /** Stream of durable notices (see notices.ts and docs/notices.md). */
  notices: string;
  /** Pub/sub channel the bot announces each notice's fate on (`receipt` envelopes). */
  receipts: string;
  /** Prefix of the per-notice fate hashes (`<prefix><notice id>`). */
  noticePrefix: string;
}

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

export function isValidNamespace(namespace: string): boolean {
  return namespace === '' || NAMESPACE.test(namespace);
}

export interface BusNamesOptions {
  /**
   * Redis Cluster: keys used together in one transaction or one multi-key
   * command get a hash tag so they live in one slot: the notices stream, its
   * consumer group and the notices' fate hashes share `{<ns:>zenrelay:notices}`;
   * the service registry keys share `{<ns:>zenrelay:service}`. Pub/sub
   * channels (`in`, `out`, …) and the nick key keep their names.
   */
  hashTags?: boolean;
}

export function busNames(namespace = '', options: BusNamesOptions = {}): BusNames {
  if (!isValidNamespace(namespace)) {
    throw new Error(`namespace ${JSON.stringify(namespace)} must be letters, digits, '_', '.', '-' (at most 64)`);
  }
  const p = namespace === '' ? '' : `${namespace}:`;
  if (options.hashTags) {
    const notices = `{${p}zenrelay:notices}`;
    return {
      in: `${p}in`,
      out: `${p}out`,
      errors: `${p}zenrelay:errors`,
      nickKey: `${p}zenircbot:nick`,
      servicePrefix: `{${p}zenrelay:service}:`,
      notices,
      receipts: `${p}zenrelay:receipts`,
      noticePrefix: `${notices}:notice:`,
    };
  }
  return {
    in: `${p}in`,
    out: `${p}out`,
    errors: `${p}zenrelay:errors`,
    nickKey: `${p}zenircbot:nick`,
    servicePrefix: `${p}zenrelay:service:`,
    notices: `${p}zenrelay:notices`,
    receipts: `${p}zenrelay:receipts`,
    noticePrefix: `${p}zenrelay:notice:`,
  };
}
