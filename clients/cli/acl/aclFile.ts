import { busNames, isServiceName } from '@zenrelay/protocol';

/**
 * Redis ACL users for least privilege, one per role (`zen acl` prints them as
 * a ready ACL file). Each user gets only the keys, channels and commands its
 * role uses:
 *
 * - `bot`: the bridge — its own keys (`zenircbot:*`, `zenrelay:*`), the
 *   channels `in`, `out` and `zenrelay:*`, data and stream commands, nothing
 *   dangerous (no FLUSHALL, CONFIG, KEYS, DEBUG…).
 * - `service:<name>`: reads `in`, publishes on `out` and the errors channel,
 *   writes its own registry entry only, reads the others' and the bot's nick.
 * - `notifier`: `zen notify` and the webhook — adds to the notices stream,
 *   writes and reads fate records, follows receipts; cannot read `in` or
 *   publish on `out`.
 * - `reader`: `zen tail` — subscribes to `in`, `out` and errors, nothing else.
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

export function aclUsers(namespace: string, services: readonly string[]): AclUser[] {
  const n = busNames(namespace);
  const p = namespace === '' ? '' : `${namespace}:`;
  const users: AclUser[] = [
    {
      role: 'bot',
      user: 'zen-bot',
      rules: [
        'resetkeys', `~${p}zenircbot:*`, `~${p}zenrelay:*`,
        'resetchannels', `&${n.in}`, `&${n.out}`, `&${p}zenrelay:*`,
        '-@all', '+@read', '+@write', '+@stream', '+@pubsub', '+@transaction', '-@dangerous', CONNECTION, SUBSCRIBER, '+time',
      ].join(' '),
    },
  ];
  for (const name of services) {
    if (!isServiceName(name)) throw new Error(`${JSON.stringify(name)} is not a service name (letters, digits, '_', '-')`);
    const own = `${n.servicePrefix}${name}`;
    users.push({
      role: `service:${name}`,
      user: `zen-service-${name}`,
      rules: [
        'resetkeys', `%R~${n.nickKey}`, `%R~${p}zenircbot:admin_spew_channels`, `%R~${n.servicePrefix}*`, `~${own}`, `~${own}:*`,
        'resetchannels', `&${n.in}`, `&${n.out}`, `&${n.errors}`,
        '-@all', CONNECTION, SUBSCRIBER, '+publish', '+get', '+mget', '+exists', '+smembers', '+set', '+del', '+pexpire', '+expire', '+scan',
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
        '-@all', CONNECTION, SUBSCRIBER, '+xadd', '+hset', '+hgetall', '+expire', '+multi', '+exec', '+discard', '+set', '+del', '+xlen',
      ].join(' '),
    },
    {
      role: 'reader',
      user: 'zen-reader',
      rules: ['resetkeys', 'resetchannels', `&${n.in}`, `&${n.out}`, `&${n.errors}`, '-@all', CONNECTION, SUBSCRIBER].join(' '),
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
