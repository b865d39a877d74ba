/**
 * The service registry in Redis (see clients/protocol/registry.ts): write a
 * service's record with an expiry, remove it, and list the live ones. Records
 * that do not match the schema (a broken client in another language) are
 * skipped and reported through `onInvalid`, never thrown.
 */
import { BusNames, ServiceRecord, serviceRecord } from '../protocol';
import { scanKeys, type RedisConnection } from '../redis';

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

  /** SCAN, on every master of a cluster (the keys share a hash tag, but a resharding may move the slot). */
  private keys(): Promise<string[]> {
    return scanKeys(this.redis, `${escapeGlob(this.names.servicePrefix)}*`);
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
