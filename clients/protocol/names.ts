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
  /** String key holding where ZenIRCBot's `send_admin_message` goes (one target; the bot sets it). */
  adminChannelsKey: string;
  /** Prefix of the service registry keys (`<prefix><service name>`). */
  servicePrefix: string;
  /** Stream of durable notices (see notices.ts and docs/notices.md). */
  notices: string;
  /** Pub/sub channel the bot announces each notice's fate on (`receipt` envelopes). */
  receipts: string;
  /** Prefix of the per-notice fate hashes (`<prefix><notice id>`). */
  noticePrefix: string;
  /** Stream of notices the bot could not handle at all (docs/notices.md, "Dead letters"). */
  noticesDead: string;
  /** Stream the bot appends every `in` event to (capped); services read it through consumer groups. */
  inStream: string;
  /** Prefix of the per-replica registry keys (`<prefix><service name>:<instance id>`). */
  replicaPrefix: string;
  /** Prefix of the request channels, one per method (`<prefix><method>`), see rpc.ts. */
  rpcPrefix: string;
  /** Prefix every reply channel must start with (`<prefix><anything>`), see rpc.ts. */
  replyPrefix: string;
  /** Prefix of the keys the webhook remembers GitHub deliveries by (`<prefix><X-GitHub-Delivery>`), so each is accepted once. */
  webhookDeliveryPrefix: string;
  /** Pub/sub channel the admin service announces each admin action on (`audit` envelopes, audit.ts). */
  audit: string;
  /** Set key of the runtime ignore list (nick!user@host masks) the admin service edits through the bot. */
  ignoreKey: string;
}

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

export function isValidNamespace(namespace: string): boolean {
  return namespace === '' || NAMESPACE.test(namespace);
}

export interface BusNamesOptions {
  /**
   * Redis Cluster: keys used together in one transaction or one multi-key
   * command get a hash tag so they live in one slot: the notices stream, its
   * consumer group, the notices' fate hashes and the dead-letter stream share
   * `{<ns:>zenrelay:notices}`; the service registry records and the replica
   * keys (written in one MULTI) share `{<ns:>zenrelay:service}`. Pub/sub
   * channels (`in`, `out`, rpc, replies, …) and single keys used alone (the
   * nick, the admin channel, the `in` stream, webhook deliveries) keep their names.
   */
  hashTags?: boolean;
}

export function busNames(namespace = '', options: BusNamesOptions = {}): BusNames {
  if (!isValidNamespace(namespace)) {
    throw new Error(`namespace ${JSON.stringify(namespace)} must be letters, digits, '_', '.', '-' (at most 64)`);
  }
  const p = namespace === '' ? '' : `${namespace}:`;
  const plain = plainNames(p);
  if (options.hashTags) {
    const notices = `{${p}zenrelay:notices}`;
    const registry = `{${p}zenrelay:service}`;
    return {
      ...plain,
      servicePrefix: `${registry}:`,
      replicaPrefix: `${registry}.replica:`,
      notices,
      noticePrefix: `${notices}:notice:`,
      noticesDead: `${notices}:dead`,
    };
  }
  return plain;
}

function plainNames(p: string): BusNames {
  return {
    in: `${p}in`,
    out: `${p}out`,
    errors: `${p}zenrelay:errors`,
    nickKey: `${p}zenircbot:nick`,
    adminChannelsKey: `${p}zenircbot:admin_spew_channels`,
    servicePrefix: `${p}zenrelay:service:`,
    notices: `${p}zenrelay:notices`,
    receipts: `${p}zenrelay:receipts`,
    noticePrefix: `${p}zenrelay:notice:`,
    noticesDead: `${p}zenrelay:notices:dead`,
    inStream: `${p}zenrelay:in`,
    replicaPrefix: `${p}zenrelay:replica:`,
    rpcPrefix: `${p}zenrelay:rpc:`,
    replyPrefix: `${p}zenrelay:reply:`,
    webhookDeliveryPrefix: `${p}zenrelay:webhook:delivery:`,
    audit: `${p}zenrelay:audit`,
    ignoreKey: `${p}zenrelay:ignore`,
  };
}
