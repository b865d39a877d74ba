/**
 * Reading the `in` stream through a consumer group, so replicas of a service
 * share its events: each entry goes to one replica (XREADGROUP `>`), which
 * acknowledges it once its handlers are done. Entries a replica read but never
 * acknowledged (it was killed) are claimed by another after `claimIdleMs`
 * (XAUTOCLAIM). A group that already exists resumes where it stopped (catch
 * up), skipping and acknowledging entries older than `maxAgeMs`; a new group
 * starts at the end of the stream (`$`).
 *
 * The next XREADGROUP goes out before the acknowledgements of the batch just
 * handled (one XACK for the batch, on the other connection), so the next
 * entry (an IRC line's `directed_privmsg` after its `privmsg`) never waits
 * for a round trip to Redis.
 */
import type { RedisConnection } from '@zenrelay/runtime';
import type { Logger } from '@zenrelay/runtime';

export interface GroupReaderOptions {
  stream: string;
  group: string;
  consumer: string;
  /** Entries older than this (by their stream id's time) are acknowledged without being handled. */
  maxAgeMs: number;
  /** How long an entry stays with a consumer that does not acknowledge it before another claims it. */
  claimIdleMs: number;
  /** Entries read at a time. */
  batch?: number;
  /** How long one XREADGROUP blocks; bounds how fast stop() returns. */
  blockMs?: number;
}

/** Handles one entry's `event` field; resolves once every handler is done. */
export type EntryHandler = (payload: string, entryId: string) => Promise<void>;

type Entry = [id: string, fields: string[] | null];

/** When the entry was added, from its id (`<ms>-<seq>`); NaN when it is no stream id. */
export function entryTime(id: string): number {
  const match = /^(\d+)-\d+$/.exec(id);
  return match ? Number(match[1]) : NaN;
}

/** Whether an entry is too old to handle at `now`. */
export function tooOld(id: string, now: number, maxAgeMs: number): boolean {
  const at = entryTime(id);
  return !Number.isFinite(at) || now - at > maxAgeMs;
}

/** The value of `field` in a flat [k, v, k, v] list (as XREADGROUP returns it). */
export function fieldValue(fields: readonly string[], field: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === field) return fields[i + 1];
  return undefined;
}

/**
 * Consumers that can go from the group's list: nothing pending and idle for
 * longer than `idleMs` (replicas that were killed or restarted). `info` is
 * XINFO CONSUMERS as ioredis returns it: one flat [k, v, …] list per consumer.
 */
export function idleConsumers(info: unknown, idleMs: number, self: string): string[] {
  if (!Array.isArray(info)) return [];
  const out: string[] = [];
  for (const row of info) {
    if (!Array.isArray(row)) continue;
    const fields = row.map((v: unknown) => String(v));
    const name = fieldValue(fields, 'name');
    const pending = Number(fieldValue(fields, 'pending'));
    const idle = Number(fieldValue(fields, 'idle') ?? fieldValue(fields, 'inactive'));
    if (name !== undefined && name !== self && pending === 0 && idle > idleMs) out.push(name);
  }
  return out;
}

/** How long a consumer with nothing pending may stay idle before it is removed from the group. */
const FORGET_IDLE_MS = 3_600_000;

export class GroupReader {
  private running = false;
  private loop: Promise<void> | undefined;
  private claimTimer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<string>();
  private readonly acking = new Set<Promise<void>>();
  /** Entries skipped as too old since the start (for logs and tests). */
  skipped = 0;
  /** Entries taken over from dead consumers since the start. */
  claimed = 0;

  /**
   * `reader` is used for blocking reads only (a connection of its own);
   * `conn` for everything else.
   */
  constructor(
    private readonly reader: RedisConnection,
    private readonly conn: RedisConnection,
    private readonly options: GroupReaderOptions,
    private readonly handle: EntryHandler,
    private readonly logger: Logger,
    private readonly field = 'event',
  ) {}

  /** Creates the group when it does not exist yet (at the end of the stream: events from now on). */
  async prepare(): Promise<void> {
    await this.ensureGroup();
  }

  /** Starts reading (and claiming). */
  async start(): Promise<void> {
    await this.ensureGroup();
    if (this.running) return;
    this.running = true;
    this.loop = this.readLoop();
    const every = Math.max(50, Math.floor(this.options.claimIdleMs / 2));
    this.claimTimer = setInterval(() => {
      this.claiming = this.claiming.then(() => this.claimStale()).catch((err: Error) => this.logger.warn({ err: err.message }, 'claiming stale entries failed'));
    }, every);
    this.claimTimer.unref();
  }

  /** Stops reading; waits for the entries in hand (handled and acknowledged). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.claimTimer) clearInterval(this.claimTimer);
    // A read waits at most blockMs, unless Redis is unreachable: do not wait for it then.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, (this.options.blockMs ?? 1000) + 2000)));
    await Promise.race([Promise.all([this.loop, this.claiming]), bound]);
    clearTimeout(timer);
    await Promise.race([Promise.all([...this.acking]), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.forgetSelfIfIdle();
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.conn.xgroup('CREATE', this.options.stream, this.options.group, '$', 'MKSTREAM');
      this.logger.info({ stream: this.options.stream, group: this.options.group }, 'created the consumer group; events from now on');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  private async readLoop(): Promise<void> {
    const { stream, group, consumer } = this.options;
    let handled: string[] = [];
    while (this.running) {
      let reply: unknown;
      try {
        const read = this.reader.xreadgroup('GROUP', group, consumer, 'COUNT', this.options.batch ?? 50, 'BLOCK', this.options.blockMs ?? 1000, 'STREAMS', stream, '>');
        // The read is written first; the acknowledgements of what was just handled follow at once.
        if (handled.length > 0) void this.ack(handled);
        handled = [];
        reply = await read;
      } catch (err) {
        if (!this.running) break;
        const message = (err as Error).message;
        if (/NOGROUP/.test(message)) {
          // Redis lost the stream (restarted without persistence, or someone deleted it).
          await this.ensureGroup().catch(() => undefined);
        } else {
          this.logger.warn({ err: message }, 'reading the in stream failed; retrying');
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const entries = streamEntries(reply);
      if (entries.length > 0) handled = await this.process(entries);
    }
    if (handled.length > 0) await this.ack(handled);
  }

  private async claimStale(): Promise<void> {
    if (!this.running) return;
    const { stream, group, consumer, claimIdleMs } = this.options;
    let cursor = '0-0';
    for (let round = 0; round < 20 && this.running; round++) {
      const reply = (await this.conn.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', this.options.batch ?? 50)) as unknown[];
      const next = String(reply[0]);
      const entries = (reply[1] as Array<Entry | null>).filter((e): e is Entry => Array.isArray(e) && !this.inFlight.has(e[0]));
      if (entries.length > 0) {
        this.claimed += entries.length;
        this.logger.info({ entries: entries.length }, 'took over events a stopped replica had not finished');
        await this.ack(await this.process(entries));
      }
      // Entries trimmed from the stream while pending come back as ids only (Redis 7): just drop them.
      const deleted = (reply[2] as string[] | undefined) ?? [];
      if (deleted.length > 0) await this.conn.xack(stream, group, ...deleted);
      if (next === '0-0') break;
      cursor = next;
    }
    const info = await this.conn.xinfo('CONSUMERS', stream, group);
    for (const name of idleConsumers(info, Math.max(FORGET_IDLE_MS, 10 * claimIdleMs), consumer)) {
      await this.conn.xgroup('DELCONSUMER', stream, group, name);
    }
  }

  /** Handles the entries (old ones are acknowledged here); resolves with the ids handled, for the caller to acknowledge. */
  private async process(entries: Entry[]): Promise<string[]> {
    const now = Date.now();
    const old: string[] = [];
    const handled: string[] = [];
    const work: Array<Promise<void>> = [];
    for (const [id, fields] of entries) {
      if (tooOld(id, now, this.options.maxAgeMs)) {
        old.push(id);
        continue;
      }
      const payload = fieldValue(fields ?? [], this.field);
      if (payload === undefined) {
        old.push(id);
        continue;
      }
      this.inFlight.add(id);
      handled.push(id);
      work.push(this.handle(payload, id).catch((err: Error) => this.logger.error({ err: err.message, id }, 'handling an event failed')));
    }
    if (old.length > 0) {
      this.skipped += old.length;
      this.logger.info({ entries: old.length, maxAgeMs: this.options.maxAgeMs }, 'skipped events older than the catch-up age');
      await this.conn.xack(this.options.stream, this.options.group, ...old).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not acknowledge old events'));
    }
    await Promise.all(work);
    return handled;
  }

  /** Acknowledges handled entries in one XACK; they stay in flight (not claimed again here) until it is answered. */
  private ack(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const done = this.conn
      .xack(this.options.stream, this.options.group, ...ids)
      .then(
        () => undefined,
        (err: Error) => {
          this.logger.warn({ err: err.message, ids: ids.length }, 'could not acknowledge events; another replica may handle them again');
        },
      )
      .finally(() => {
        for (const id of ids) this.inFlight.delete(id);
        this.acking.delete(done);
      });
    this.acking.add(done);
    return done;
  }

  /** A replica that stops with nothing pending leaves the group's consumer list. */
  private async forgetSelfIfIdle(): Promise<void> {
    const { stream, group, consumer } = this.options;
    try {
      const pending = (await this.conn.xpending(stream, group, '-', '+', 1, consumer)) as unknown[];
      if (pending.length === 0) await this.conn.xgroup('DELCONSUMER', stream, group, consumer);
    } catch {
      // Redis is gone or the group was deleted: nothing to tidy.
    }
  }
}

/** The entries of a one-stream XREADGROUP reply (null when it timed out). */
function streamEntries(reply: unknown): Entry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first = reply[0] as [string, Entry[]];
  return Array.isArray(first?.[1]) ? first[1].filter((e) => Array.isArray(e)) : [];
}
