import type { RedisConnection } from '@zenrelay/runtime';
import { parseStoredPolicy, type StsPolicy } from '../irc/sts';
import type { StsStore } from '../irc/stsPolicies';

/**
 * STS policies kept in Redis, one key per IRC host:
 * `<namespace:>zenrelay:sts:<host>`, a JSON `{host, port, expiresAt}` that
 * Redis expires together with the policy (PX). Redis is the bot's one
 * store already (and its ACL user may write `zenrelay:*`), so a restarted
 * bot, or one started on another machine, finds the policy there.
 */
export function stsKey(namespace: string, host: string): string {
  return `${namespace === '' ? '' : `${namespace}:`}zenrelay:sts:${host.toLowerCase()}`;
}

export function redisStsStore(redis: () => RedisConnection, namespace: string, now: () => number = Date.now): StsStore {
  return {
    async load(host) {
      return parseStoredPolicy(await redis().get(stsKey(namespace, host)));
    },
    async save(policy: StsPolicy) {
      const ttl = Math.max(1, Math.ceil(policy.expiresAt - now()));
      await redis().set(stsKey(namespace, policy.host), JSON.stringify(policy), 'PX', ttl);
    },
    async clear(host) {
      await redis().del(stsKey(namespace, host));
    },
  };
}
