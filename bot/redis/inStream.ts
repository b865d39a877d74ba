import type { InboundEvent } from '@zenrelay/protocol';
import { createRedis, type Logger, type RedisConnection, type RedisTarget } from '@zenrelay/runtime';
import { BoundedBuffer } from './boundedBuffer';
import { BatchScript, XADD_MANY, type ItemResult } from './batchScript';

/**
 * Appends every `in` event to the `in` stream (`zenrelay:in`, capped with an
 * approximate MAXLEN), where services read it through consumer groups. It has
 * its own bounded buffer and pump, so the pub/sub path never waits for it:
 * the bridge publishes on `in` first, then hands the same envelope (same
 * event id) here. It writes on the bus's publishing connection (`connection`),
 * so the bridge can send an event's PUBLISH and XADD in one socket write
 * (one system call and one wake-up of Redis instead of two); without one it
 * opens a connection of its own. While Redis is down, entries wait (bounded,
 * oldest dropped first) and are appended in order once it is back.
 */

export interface InStreamOptions {
  target: RedisTarget;
  stream: string;
  /** Approximate length cap (XADD MAXLEN ~); 0 = no stream at all. */
  maxLen: number;
  bufferMax: number;
  /** A connection to share (not closed by stop()); default: one of its own. */
  connection?: RedisConnection;
}

/** The single field of every entry: the envelope as published on `in`. */
export const IN_STREAM_FIELD = 'event';
const BATCH = 200;
/** The batch size appended as one MULTI (see pump()). */
const MULTI_BATCH = 2;
/**
 * The entries of a burst appended one XADD each before the rest go as one
 * script call: up to this many replicas blocked on the stream get one each
 * at once (see appendBatch).
 */
export const SPREAD_ENTRIES = 8;

export class InStreamWriter {
  private readonly conn: RedisConnection | undefined;
  private readonly ownsConnection: boolean;
  private readonly buffer: BoundedBuffer<string>;
  private pumping = false;
  private stopped = false;
  /** A pair of entries (a command), and a burst past its first SPREAD_ENTRIES, as one script call (see appendBatch). */
  private readonly xaddMany = new BatchScript(XADD_MANY, () => true);
  /** Entries dropped because the buffer was full or the append failed for good. */
  dropped = 0;

  constructor(
    private readonly options: InStreamOptions,
    private readonly log: Logger,
  ) {
    this.buffer = new BoundedBuffer(options.bufferMax);
    this.ownsConnection = options.connection === undefined;
    if (options.maxLen === 0) return;
    if (options.connection) {
      this.conn = options.connection;
      this.conn.on('ready', () => this.pump());
      return;
    }
    this.conn = createRedis(options.target, {
      lazyConnect: true,
      connectionName: 'zenrelay-bot-stream',
      maxRetriesPerRequest: null,
      enableOfflineQueue: false,
      retryStrategy: (times: number) => Math.min(times * 100, 2000),
    });
    this.conn.on('error', (err: Error) => log.debug({ role: 'in stream', err: err.message }, 'Redis error'));
    this.conn.on('ready', () => this.pump());
  }

  get enabled(): boolean {
    return this.conn !== undefined;
  }

  get pending(): number {
    return this.buffer.size;
  }

  start(): void {
    if (this.ownsConnection) this.conn?.connect().catch(() => undefined);
    else this.pump();
  }

  /** Queues `event` for the stream and starts appending; `payload` is its JSON when the caller has it already. */
  append(event: InboundEvent, payload?: string): void {
    this.queue(event, payload);
    this.pump();
  }

  /** Queues `event` without appending yet: `flush()` appends what is queued. */
  queue(event: InboundEvent, payload?: string): void {
    if (!this.conn || this.stopped) return;
    this.dropped += this.buffer.push(payload ?? JSON.stringify(event)).length;
  }

  /** Starts appending what is queued (a no-op while a batch is in flight). */
  flush(): void {
    if (this.buffer.size > 0) this.pump();
  }

  /** Appends what is buffered (bounded by `flushTimeoutMs`), then closes the connection if it is its own. */
  async stop(flushTimeoutMs = 2000): Promise<void> {
    if (!this.conn) return;
    const deadline = Date.now() + flushTimeoutMs;
    while ((this.buffer.size > 0 || this.pumping) && this.conn.status === 'ready' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.stopped = true;
    if (this.ownsConnection) await this.conn.quit().catch(() => this.conn?.disconnect());
  }

  /**
   * XADDs `batch`: one result per entry, or null when the connection went
   * away. A pair is one script call (a pair's MULTI where scripts are
   * refused). A burst's first SPREAD_ENTRIES entries are XADDs of their own,
   * the rest one script call, in the same socket write: Redis serves a
   * blocked reader after each command, so the first entries go one to each
   * replica waiting, as a pipeline of XADDs did, and the others wait for the
   * next reads, as they did.
   */
  private async appendBatch(conn: RedisConnection, batch: readonly string[]): Promise<ItemResult[] | null> {
    if (batch.length <= SPREAD_ENTRIES) return this.appendByScript(conn, batch, batch.length === MULTI_BATCH);
    const [head, rest] = await Promise.all([this.appendByPipeline(conn, batch.slice(0, SPREAD_ENTRIES)), this.appendByScript(conn, batch.slice(SPREAD_ENTRIES), true)]);
    return head === null || rest === null ? null : head.concat(rest);
  }

  /** `batch` as one script call where `script` and the server allow, else as a pipeline. */
  private appendByScript(conn: RedisConnection, batch: readonly string[], script: boolean): Promise<ItemResult[] | null> {
    if (!script) return this.appendByPipeline(conn, batch);
    const { stream, maxLen } = this.options;
    return this.xaddMany.send(
      conn,
      batch.length,
      () => ({ keys: [stream], args: [maxLen, IN_STREAM_FIELD, ...batch] }),
      () => this.appendByPipeline(conn, batch),
      (why) => this.log.warn({ err: why }, 'Redis refused a script call: appending to the in stream command by command (give the bot\'s ACL user +evalsha +eval)'),
    );
  }

  /** `batch` as XADDs in a pipeline; a pair as one transaction. */
  private async appendByPipeline(conn: RedisConnection, batch: readonly string[]): Promise<ItemResult[] | null> {
    const { stream, maxLen } = this.options;
    // A pair (an IRC line's privmsg and directed_privmsg: a command while things are quiet) is one
    // transaction, so a consumer blocked on the stream gets the command in the same reply as the privmsg
    // instead of reading again. More entries go as a plain pipeline: Redis hands each entry to the next
    // blocked reader as it is added, so a burst spreads over a service's replicas.
    const pipeline = batch.length === MULTI_BATCH ? conn.multi() : conn.pipeline();
    for (const payload of batch) pipeline.xadd(stream, 'MAXLEN', '~', maxLen, '*', IN_STREAM_FIELD, payload);
    try {
      return await pipeline.exec();
    } catch (err) {
      // Redis refused the whole transaction (EXECABORT, e.g. an ACL without XADD): as permanent as a command error.
      if (!isReplyError(err)) return null;
      return batch.map((): ItemResult => [err as Error, null]);
    }
  }

  private pump(): void {
    const conn = this.conn;
    if (!conn || this.pumping) return;
    this.pumping = true;
    const step = async (): Promise<void> => {
      while (this.buffer.size > 0 && conn.status === 'ready') {
        const batch = this.buffer.take(BATCH);
        const results = await this.appendBatch(conn, batch);
        if (results === null) {
          this.dropped += this.buffer.restore(batch).length; // connection lost mid-batch: try again once it is back
          break;
        }
        const failed = results.filter(([err]) => err !== null);
        if (failed.length > 0) {
          // A command error (e.g. the key holds another type) will not go away by retrying.
          this.dropped += failed.length;
          this.log.warn({ stream: this.options.stream, failed: failed.length, err: failed[0][0]?.message }, 'could not append to the in stream; delete the key if it is not a stream');
        }
      }
    };
    step()
      .catch((err: Error) => this.log.error({ err: err.message }, 'appending to the in stream failed'))
      .finally(() => {
        this.pumping = false;
        if (this.buffer.size > 0 && conn.status === 'ready' && !this.stopped) this.pump();
      });
  }
}

/** An error Redis answered (as opposed to a connection that went away). */
function isReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError';
}
