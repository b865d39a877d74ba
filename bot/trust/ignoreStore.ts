import type { Logger, RedisConnection, RedisTarget } from '@zenrelay/runtime';
import { createRedis } from '@zenrelay/runtime';
import { checkMask, type IgnoreList } from './ignoreList';

/**
 * The runtime ignore list in Redis: a set (`zenrelay:ignore`, namespaced) of
 * nick!user@host masks, so it survives restarts. The bot loads it at start,
 * after Redis comes back, every `reloadMs` (an edit by another bot of the
 * same namespace or by redis-cli takes effect within that), and right after
 * each change it makes itself (the `admin.ignore` / `admin.unignore` requests).
 */
export class IgnoreStore {
  private readonly conn: RedisConnection;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    target: RedisTarget,
    private readonly key: string,
    private readonly list: IgnoreList,
    private readonly log: Logger,
    private readonly reloadMs = 10_000,
  ) {
    this.conn = createRedis(target, { lazyConnect: true, connectionName: 'zenrelay-bot-ignore', maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 200, 2000) });
    this.conn.on('error', (err: Error) => log.debug({ role: 'ignore list', err: err.message }, 'Redis error'));
    this.conn.on('ready', () => void this.reload());
  }

  async start(): Promise<void> {
    await this.conn.connect().catch(() => undefined);
    await this.reload();
    this.timer = setInterval(() => void this.reload(), this.reloadMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.conn.quit().catch(() => this.conn.disconnect());
  }

  /** Reads the set into the list; keeps the last list when Redis does not answer. */
  async reload(): Promise<void> {
    if (this.stopped || this.conn.status !== 'ready') return;
    try {
      const masks = await this.conn.smembers(this.key);
      const bad = masks.filter((m) => !checkMask(m).ok);
      if (bad.length > 0) this.log.warn({ key: this.key, bad: bad.slice(0, 5) }, 'the ignore list in Redis holds entries that are not masks; they are not applied');
      this.list.setRuntime(masks);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'could not read the ignore list; keeping the last one');
    }
  }

  /** Adds a mask (checked); true when it was new. */
  async add(mask: string): Promise<boolean> {
    const added = (await this.conn.sadd(this.key, mask)) === 1;
    await this.reload();
    return added;
  }

  /** Removes a mask; true when it was there. */
  async remove(mask: string): Promise<boolean> {
    const removed = (await this.conn.srem(this.key, mask)) === 1;
    await this.reload();
    return removed;
  }
}
