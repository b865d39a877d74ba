import { busNames, isServiceName } from '@zenrelay/protocol';

/**
 * Redis ACL users for least privilege, one per role (`zen acl` prints them as
 * a ready ACL file). Each user gets only the keys, channels and commands its
 * role uses:
 *
 * - `bot`: the bridge — its own keys (`zenircbot:*`, `zenrelay:*`), the
 *   channels `in`, `out` and `zenrelay:*`, data and stream commands, EVALSHA/EVAL (a burst of
 *   `in` events goes as one script call; inside it each command is still
 *   checked against this user's rules), nothing dangerous (no FLUSHALL,
 *   CONFIG, KEYS, DEBUG…).
 * - `service:<name>`: reads `in` (pub/sub, or the `in` stream through its
 *   consumer group), publishes on `out` and the errors channel, writes its own
 *   registry entry and replica keys only, reads the others' and the bot's
 *   nick, makes and answers requests (rpc and reply channels, the bot's
 *   `admin.*` requests included: the bot does what they ask, so give a
 *   service's password only to code you trust). The `admin` service also
 *   publishes on `zenrelay:audit`.
 * - `notifier`: `zen notify` and the webhook — adds to the notices stream,
 *   writes and reads fate records, follows receipts; cannot read `in` or
 *   publish on `out`.
 * - `reader`: `zen tail` — subscribes to `in`, `out`, errors and the audit channel, nothing else.
 *
 * On a Redis Cluster (`{ hashTags: true }`, `zen acl --cluster`) the key
 * patterns are those of the hash-tagged names (`{zenrelay:notices}`,
 * `{zenrelay:service}:…`) and clients may ask for the slot map (CLUSTER
 * SLOTS, CLUSTER INFO). An ACL file is per server: load it on every node (on
 * Sentinel: the primary and every replica; the sentinels have their own auth).
 *
 * Redis ACLs cannot look inside a pub/sub message, so what a service may say
 * through `out` (e.g. `raw`) is still the bot's to limit (`ZEN_RAW_ALLOW`).
 * Pure: passwords are given by the caller.
 */

export type AclRole = 'bot' | 'notifier' | 'reader' | `service:${string}`;

export interface AclUser {
  role: AclRole;
  /** The Redis user name: `zen-bot`, `zen-service-hello`, … */
  user: string;
  /** The ACL rule line, without the password. */
  rules: string;
}

/** Commands every client needs to connect and stay connected (ioredis sends HELLO, INFO, CLIENT SETNAME (SETINFO, on Redis 7.2+, is allowed to fail), PING, SELECT). */
const CONNECTION = '+@connection +info +select +client|setname +client|id +quit';
const SUBSCRIBER = '+subscribe +unsubscribe +ssubscribe +sunsubscribe';
/** What ioredis' Cluster client asks every node for the slot map. */
const CLUSTER_CLIENT = '+cluster|slots +cluster|info';
/** A service reading the `in` stream through its consumer group (clients/sdk/groupReader.ts). */
const GROUP_READER = '+xreadgroup +xack +xautoclaim +xgroup|create +xgroup|delconsumer +xinfo|consumers +xpending';

export interface AclOptions {
  /** Redis Cluster: the hash-tagged key names (busNames' `hashTags`). */
  hashTags?: boolean;
}

export function aclUsers(namespace: string, services: readonly string[], options: AclOptions = {}): AclUser[] {
  const hashTags = options.hashTags === true;
  const n = busNames(namespace, { hashTags });
  const p = namespace === '' ? '' : `${namespace}:`;
  const connection = hashTags ? `${CONNECTION} ${CLUSTER_CLIENT}` : CONNECTION;
  // The tagged keys start with `{<ns:>zenrelay:` (the notices' and the registry's slots).
  const taggedKeys = hashTags ? [`~{${p}zenrelay:*`] : [];
  const users: AclUser[] = [
    {
      role: 'bot',
      user: 'zen-bot',
      rules: [
        'resetkeys', `~${p}zenircbot:*`, `~${p}zenrelay:*`, ...taggedKeys,
        'resetchannels', `&${n.in}`, `&${n.out}`, `&${p}zenrelay:*`,
        '-@all', '+@read', '+@write', '+@stream', '+@pubsub', '+@transaction', '-@dangerous', connection, SUBSCRIBER, '+time', '+evalsha', '+eval',
      ].join(' '),
    },
  ];
  for (const name of services) {
    if (!isServiceName(name)) throw new Error(`${JSON.stringify(name)} is not a service name (letters, digits, '_', '-')`);
    const own = `${n.servicePrefix}${name}`;
    const ownReplicas = `${n.replicaPrefix}${name}:*`;
    users.push({
      role: `service:${name}`,
      user: `zen-service-${name}`,
      rules: [
        'resetkeys', `%R~${n.nickKey}`, `%R~${n.adminChannelsKey}`, `%R~${n.servicePrefix}*`, `~${own}`, `~${own}:*`, `%R~${n.replicaPrefix}*`, `~${ownReplicas}`, `~${n.inStream}`,
        'resetchannels', `&${n.in}`, `&${n.out}`, `&${n.errors}`, `&${n.rpcPrefix}*`, `&${n.replyPrefix}*`, ...(name === 'admin' ? [`&${n.audit}`] : []),
        '-@all', connection, SUBSCRIBER, '+psubscribe', '+punsubscribe', '+publish', '+get', '+mget', '+exists', '+smembers', '+set', '+del', '+pexpire', '+expire', '+scan', '+multi', '+exec', '+discard', GROUP_READER,
      ].join(' '),
    });
  }
  users.push(
    {
      role: 'notifier',
      user: 'zen-notifier',
      rules: [
        'resetkeys', `~${n.notices}`, `~${n.noticePrefix}*`, `~${n.webhookDeliveryPrefix}*`,
        'resetchannels', `&${n.receipts}`,
        '-@all', connection, SUBSCRIBER, '+xadd', '+hset', '+hgetall', '+expire', '+multi', '+exec', '+discard', '+set', '+del', '+xlen', '+exists', '+wait',
      ].join(' '),
    },
    {
      role: 'reader',
      user: 'zen-reader',
      rules: ['resetkeys', 'resetchannels', `&${n.in}`, `&${n.out}`, `&${n.errors}`, `&${n.audit}`, '-@all', connection, SUBSCRIBER].join(' '),
    },
  );
  return users;
}

/**
 * A complete ACL file (Redis allows no comments in one): the default user
 * switched off, one user per role with its password.
 */
export function aclFileText(users: readonly AclUser[], passwordOf: (user: AclUser) => string): string {
  const lines = ['user default off'];
  for (const u of users) lines.push(`user ${u.user} on >${passwordOf(u)} ${u.rules}`);
  return `${lines.join('\n')}\n`;
}
