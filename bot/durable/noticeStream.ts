import { NOTICE_CONSUMER, NOTICE_GROUP, type BusNames } from '@zenrelay/protocol';
import { createRedis, describeTarget, waitForReplicas, type Logger, type RedisConnection, type RedisTarget } from '@zenrelay/runtime';
import type { StreamEntry } from './noticeEntry';
import { FATE_CLEARED, type FateRecord } from './noticeFate';

/**
 * The bot's Redis side of the notices stream. Two connections: `reader` for
 * blocking XREADGROUP (a blocked connection can do nothing else), `writer`
 * for everything else. Both retry forever; commands issued while Redis is
 * away wait in ioredis' offline queue and run once it is back.
 */

export interface NoticeStreamOptions {
  target: RedisTarget;
  names: BusNames;
  /** Seconds a fate hash is kept after the bot writes the final state. */
  fateTtlSeconds: number;
  /** WAIT for this many replicas after each finish (ZEN_NOTICE_WAIT_REPLICAS); 0 = do not wait. */
  waitReplicas?: number;
  waitTimeoutMs?: number;
}

type ReadReply = Array<[string, Array<[string, string[] | null]>]> | null;

/** A finish() waiting for its turn's transaction. */
interface PendingFinish {
  entryId: string;
  id: string | undefined;
  record: FateRecord | undefined;
  resolve(length: number): void;
  reject(err: unknown): void;
}

/** Most notices finished in one transaction. */
export const FINISH_BATCH_MAX = 256;

export class NoticeStream {
  readonly reader: RedisConnection;
  readonly writer: RedisConnection;
  private readonly stream: string;
  private aborted = false;
  private readonly abortWaiters = new Set<() => void>();
  private finishes: PendingFinish[] = [];

  constructor(
    private readonly options: NoticeStreamOptions,
    private readonly log: Logger,
  ) {
    this.stream = options.names.notices;
    const common = { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 2000) };
    this.reader = createRedis(options.target, { ...common, connectionName: 'zenrelay-notices-reader' });
    this.writer = createRedis(options.target, { ...common, connectionName: 'zenrelay-notices-writer' });
    for (const [role, conn] of [['notices reader', this.reader], ['notices writer', this.writer]] as const) {
      conn.on('error', (err: Error) => log.debug({ role, err: err.message }, 'Redis error'));
    }
  }

  /** Connects both connections (waiting for Redis however long it takes) and makes sure the group exists. */
  async connect(): Promise<void> {
    for (const conn of [this.reader, this.writer]) {
      conn.connect().catch(() => undefined);
      if (conn.status !== 'ready') await new Promise<void>((resolve) => conn.once('ready', () => resolve()));
    }
    await this.ensureGroup();
    this.log.info({ stream: this.stream, group: NOTICE_GROUP, redis: describeTarget(this.options.target) }, 'reading durable notices');
  }

  /**
   * Creates the consumer group (and the stream) unless it exists. The group
   * starts at the beginning of the stream, so notices queued before the bot
   * ever ran are delivered too.
   */
  async ensureGroup(): Promise<void> {
    try {
      await this.writer.xgroup('CREATE', this.stream, NOTICE_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  /**
   * Takes over entries pending for any other consumer of the group that have
   * been idle at least `minIdleMs` (e.g. left by a bot that ran under another
   * consumer name). They then show up in this consumer's pending list.
   */
  async claimAbandoned(minIdleMs: number): Promise<number> {
    let cursor = '0-0';
    let claimed = 0;
    for (let rounds = 0; rounds < 1000; rounds++) {
      const reply = (await this.writer.xautoclaim(this.stream, NOTICE_GROUP, NOTICE_CONSUMER, minIdleMs, cursor, 'COUNT', 100, 'JUSTID')) as [string, string[], string[]?];
      claimed += reply[1].length;
      cursor = reply[0];
      if (cursor === '0-0') break;
    }
    return claimed;
  }

  /** This consumer's own pending entries (delivered, never acknowledged) after `afterId`, oldest first. */
  async readPending(afterId: string, count: number): Promise<StreamEntry[]> {
    return toEntries(
      await this.abortable(this.reader.xreadgroup('GROUP', NOTICE_GROUP, NOTICE_CONSUMER, 'COUNT', count, 'STREAMS', this.stream, afterId) as Promise<ReadReply>),
    );
  }

  /** New entries, waiting up to `blockMs` for one to arrive. */
  async readNew(count: number, blockMs: number): Promise<StreamEntry[]> {
    return toEntries(
      await this.abortable(
        this.reader.xreadgroup('GROUP', NOTICE_GROUP, NOTICE_CONSUMER, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.stream, '>') as Promise<ReadReply>,
      ),
    );
  }

  /**
   * A read that abortReads() ends at once with no entries. Disconnecting the
   * reader alone is not enough: a command queued while ioredis waits to
   * reconnect is never rejected by disconnect().
   */
  private abortable(read: Promise<ReadReply>): Promise<ReadReply> {
    if (this.aborted) {
      read.catch(() => undefined);
      return Promise.resolve(null);
    }
    return new Promise<ReadReply>((resolve, reject) => {
      const onAbort = () => resolve(null);
      this.abortWaiters.add(onAbort);
      read.then(resolve, reject).finally(() => this.abortWaiters.delete(onAbort));
    });
  }

  /** The Redis server's clock in ms (stream ids are stamped with it). */
  async serverTimeMs(): Promise<number> {
    const [seconds, micros] = (await this.writer.time()) as [string | number, string | number];
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Entries in the stream: queued and in flight. */
  length(): Promise<number> {
    return this.writer.xlen(this.stream);
  }

  /**
   * Records a notice's fate, acknowledges and deletes its entry, and
   * announces the receipt, in one transaction. Resolves with the stream
   * length afterwards. With `id` undefined (entry data gone) only acks.
   *
   * The finishes asked for in one turn of the event loop (e.g. every notice
   * one PONG proved) share a transaction: one MULTI with each notice's fate
   * commands, one XACK and one XDEL for all their entries, their receipts,
   * and one XLEN. Redis runs it as a whole, so each notice is still recorded,
   * acknowledged and announced together; a command of one notice that fails
   * (e.g. WRONGTYPE on its fate key) fails only that notice's promise, a
   * failed XACK/XDEL or a lost connection fails them all (each is retried).
   * One transaction per notice made an ioredis Pipeline and eight Command
   * objects per notice, most of the bot's garbage while draining a backlog.
   */
  finish(entryId: string, id: string | undefined, record: FateRecord | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.finishes.push({ entryId, id, record, resolve, reject });
      if (this.finishes.length === 1) queueMicrotask(() => this.flushFinishes());
    });
  }

  private flushFinishes(): void {
    const all = this.finishes;
    this.finishes = [];
    for (let i = 0; i < all.length; i += FINISH_BATCH_MAX) {
      const batch = all.slice(i, i + FINISH_BATCH_MAX);
      this.finishBatch(batch).catch((err: unknown) => {
        for (const f of batch) f.reject(err);
      });
    }
  }

  private async finishBatch(batch: readonly PendingFinish[]): Promise<void> {
    const tx = this.writer.multi();
    /** Per notice, the positions of its own commands' results. */
    const own: number[][] = [];
    let n = 0;
    for (const f of batch) {
      const mine: number[] = [];
      if (f.id !== undefined && f.record !== undefined) {
        const key = `${this.options.names.noticePrefix}${f.id}`;
        tx.hdel(key, ...FATE_CLEARED);
        tx.hset(key, f.record.fields);
        tx.expire(key, this.options.fateTtlSeconds);
        mine.push(n, n + 1, n + 2);
        n += 3;
      }
      own.push(mine);
    }
    const entryIds = batch.map((f) => f.entryId);
    tx.xack(this.stream, NOTICE_GROUP, ...entryIds);
    tx.xdel(this.stream, ...entryIds);
    const shared = [n, n + 1];
    n += 2;
    batch.forEach((f, i) => {
      if (f.record === undefined) return;
      tx.publish(this.options.names.receipts, JSON.stringify(f.record.receipt));
      own[i].push(n++);
    });
    tx.xlen(this.stream);
    shared.push(n);
    const results = await tx.exec();
    if (results === null) throw new Error('transaction aborted');
    const sharedError = shared.map((k) => results[k][0]).find((err) => err);
    if (sharedError) throw sharedError;
    const want = this.options.waitReplicas ?? 0;
    if (want > 0) {
      // So the ack and the fate survive a failover (else the new primary would send the notice again).
      const got = await waitForReplicas(this.writer, this.stream, want, this.options.waitTimeoutMs ?? 1000);
      if (got < want) this.log.warn({ entryIds, replicas: got, wanted: want }, 'a notice acknowledgement is not on enough replicas yet; after a failover it may be sent again');
    }
    const length = Number(results[n][1]);
    batch.forEach((f, i) => {
      const err = own[i].map((k) => results[k][0]).find((e) => e);
      if (err) f.reject(err);
      else f.resolve(length);
    });
  }

  /**
   * Moves an entry the bot cannot handle to the dead-letter stream (capped at
   * about DEAD_LETTER_MAX entries), and acknowledges and deletes it, in one
   * transaction. Resolves with the notices stream's length afterwards.
   */
  async deadLetter(entryId: string, fields: readonly string[] | null, reason: string): Promise<number> {
    const tx = this.writer.multi();
    const at = new Date().toISOString();
    tx.xadd(this.options.names.noticesDead, 'MAXLEN', '~', DEAD_LETTER_MAX, '*', 'entry', entryId, 'reason', reason, 'at', at, 'fields', JSON.stringify(fields ?? []));
    tx.xack(this.stream, NOTICE_GROUP, entryId);
    tx.xdel(this.stream, entryId);
    tx.xlen(this.stream);
    const results = await tx.exec();
    if (results === null) throw new Error('transaction aborted');
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0] as Error;
    return Number(results[results.length - 1][1]);
  }

  /** Aborts a blocking read at once (used on shutdown). */
  abortReads(): void {
    this.aborted = true;
    for (const waiter of this.abortWaiters) waiter();
    this.abortWaiters.clear();
    // A second disconnect() of a closed connection would leave a 2 s ioredis timer behind.
    if (this.reader.status !== 'end') this.reader.disconnect();
  }

  async close(): Promise<void> {
    this.abortReads();
    // QUIT when connected; otherwise drop it (QUIT would wait for Redis in the offline queue).
    if (this.writer.status === 'ready') await this.writer.quit().catch(() => this.writer.disconnect());
    else if (this.writer.status !== 'end') this.writer.disconnect();
  }
}

/** About this many entries are kept in the dead-letter stream (XADD MAXLEN ~), the newest. */
export const DEAD_LETTER_MAX = 10_000;

/**
 * Whether Redis refused a command for good, so retrying the same write can
 * never work (e.g. WRONGTYPE: the fate key holds a string, not a hash).
 * Connection errors, a missing group and transient server states are not.
 */
export function isPermanentRedisError(err: unknown): boolean {
  if (!isReplyError(err)) return false;
  return !/^(NOGROUP|LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|EXECABORT|MISCONF|NOAUTH|NOPERM)/.test(err.message);
}

/** An error reply from Redis (as opposed to a lost connection or a timeout). */
export function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === 'ReplyError';
}

/** Whether an error means the group (or the whole stream) is gone, e.g. Redis restarted without persistence. */
export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && /NOGROUP/.test(err.message);
}

function toEntries(reply: ReadReply): StreamEntry[] {
  if (reply === null || reply.length === 0) return [];
  return reply[0][1].map(([entryId, fields]) => ({ entryId, fields }));
}
