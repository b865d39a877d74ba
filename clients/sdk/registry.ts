/**
 * The service registry in Redis (see clients/protocol/registry.ts): write a
 * service's record with an expiry, remove it, and list the live ones. Records
 * that do not match the schema (a broken client in another language) are
 * skipped and reported through `onInvalid`, never thrown.
 *
 * Besides the one record per service name, each running replica keeps a key
 * of its own, `<replicaPrefix><name>:<instance id>`, with the same expiry, so
 * `!services` can say how many replicas are live. The per-name record stays
 * as it was, so existing readers see no change.
 */
import { BusNames, ServiceRecord, serviceRecord } from '@zenrelay/protocol';
import { scanKeys, type RedisConnection } from '@zenrelay/runtime';

export class ServiceRegistry {
  constructor(
    private readonly redis: RedisConnection,
    private readonly names: BusNames,
    private readonly onInvalid: (key: string, reason: string) => void = () => undefined,
  ) {}

  key(service: string): string {
    return `${this.names.servicePrefix}${service}`;
  }

  /** Writes (or refreshes) a record; it expires after `ttlMs` unless written again. */
  async announce(record: ServiceRecord, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(record.name), JSON.stringify(record), 'PX', ttlMs);
  }

  async remove(service: string): Promise<void> {
    await this.redis.del(this.key(service));
  }

  replicaKey(service: string, instance: string): string {
    return `${this.names.replicaPrefix}${service}:${instance}`;
  }

  /** Writes the service record and this replica's key, both expiring after `ttlMs`. */
  async announceReplica(record: ServiceRecord, instance: string, ttlMs: number): Promise<void> {
    const replica = JSON.stringify({ name: record.name, instance, pid: record.pid, host: record.host, started: record.started });
    const results = await this.redis
      .multi()
      .set(this.key(record.name), JSON.stringify(record), 'PX', ttlMs)
      .set(this.replicaKey(record.name, instance), replica, 'PX', ttlMs)
      .exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  /**
   * Removes this replica's key, and the service record too when no other
   * replica of the service is live (they would write it again within a heartbeat anyway).
   */
  async removeReplica(service: string, instance: string): Promise<void> {
    await this.redis.del(this.replicaKey(service, instance));
    const others = await this.scan(`${this.names.replicaPrefix}${service}:`);
    if (others.length === 0) await this.remove(service);
  }

  /** How many replicas of each service are live (services without replica keys, e.g. other languages', are absent). */
  async replicaCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const key of await this.scan(this.names.replicaPrefix)) {
      const rest = key.slice(this.names.replicaPrefix.length);
      const colon = rest.indexOf(':');
      if (colon <= 0) continue;
      const name = rest.slice(0, colon);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  /** Every live service, sorted by name. */
  async list(): Promise<ServiceRecord[]> {
    const keys = await this.keys();
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    const records: ServiceRecord[] = [];
    keys.forEach((key, i) => {
      const value = values[i];
      if (value === null || value === undefined) return; // expired between SCAN and MGET
      const record = this.parse(key, value);
      if (record) records.push(record);
    });
    return records.sort((a, b) => a.name.localeCompare(b.name));
  }

  private keys(): Promise<string[]> {
    return this.scan(this.names.servicePrefix);
  }

  /** Every key starting with `prefix`: SCAN on every master of a cluster (the keys share a hash tag, but a resharding may move the slot). */
  private scan(prefix: string): Promise<string[]> {
    return scanKeys(this.redis, `${escapeGlob(prefix)}*`);
  }

  private parse(key: string, value: string): ServiceRecord | undefined {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      this.onInvalid(key, 'not JSON');
      return undefined;
    }
    const parsed = serviceRecord.safeParse(json);
    if (!parsed.success) {
      this.onInvalid(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; '));
      return undefined;
    }
    if (this.key(parsed.data.name) !== key) {
      this.onInvalid(key, `record names service ${JSON.stringify(parsed.data.name)}, which does not match its key`);
      return undefined;
    }
    return parsed.data;
  }
}

/** `literal` as a SCAN pattern matching exactly it (the hash tag's braces are not special, `*?[]\\` are). */
function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
