import {
  busNames,
  DEFAULT_NOTICE_FATE_TTL_SECONDS,
  isFinalNoticeState,
  NOTICE_ENTRY_FIELD,
  parseNoticeFate,
  parseTargetOutcomes,
  receiptEvent,
  type BusNames,
  type NoticeFate,
  type TargetOutcome,
} from '@zenrelay/protocol';
import {
  createRedis,
  isCluster,
  subscribeKept,
  waitForReplicas,
  type RedisConnection,
  type RedisConnectionOptions,
  type RedisTarget,
} from '@zenrelay/runtime';
import type { NoticeCheck } from './noticeRequest';

/**
 * Publishing durable notices and following their fate, for `zen notify`, the
 * webhook service and any TypeScript program: XADD the envelope (with its
 * `queued` fate hash, in one transaction), read the fate hash, wait for the
 * receipt.
 */

export interface NoticeClientOptions {
  /** Where Redis is (see redisConnection.ts in @zenrelay/runtime); or a plain `redis://` URL. */
  redis: RedisTarget | string;
  namespace?: string;
  /** Seconds the `queued` fate hash lives (the bot resets it when it finishes the notice). */
  fateTtlSeconds?: number;
  /** Connection behaviour (retries, offline queue, connect and disconnect timeouts). */
  connection?: Partial<RedisConnectionOptions>;
  /** After queueing, WAIT until this many replicas have the notice (ZEN_NOTICE_WAIT_REPLICAS); default 0 = do not wait. */
  waitReplicas?: number;
  /** Longest WAIT, ms (ZEN_NOTICE_WAIT_TIMEOUT_MS); default 1000. */
  waitTimeoutMs?: number;
  /** Connection errors (the failed command rejects too); default: ignored. */
  onError?: (err: Error) => void;
}

/** A notice safely stored in Redis. */
export interface QueuedNotice {
  id: string;
  /** The stream entry id. */
  entry: string;
  /** With `waitReplicas`: how many replicas confirmed it (fewer than asked: a failover now could lose it). */
  replicas?: number;
}

/**
 * The fate as returned to callers: the hash with empty fields left out, plus
 * the id; `targets` (a JSON string in the hash) is parsed into the outcome at
 * each target.
 */
export type NoticeFateView = { [K in keyof NoticeFate as K extends 'targets' ? never : K]: NoticeFate[K] } & { id: string; targets?: TargetOutcome[] };

/** Longest wait for a closing connection's socket to close before it is destroyed. */
export const CLOSE_WAIT_MS = 200;

export class NoticeClient {
  readonly names: BusNames;
  readonly redis: RedisConnection;
  readonly target: RedisTarget;
  private readonly fateTtlSeconds: number;
  private readonly options: NoticeClientOptions;
  private lastError: Error | undefined;

  constructor(options: NoticeClientOptions) {
    this.options = options;
    this.target = typeof options.redis === 'string' ? { kind: 'single', url: options.redis } : options.redis;
    this.names = busNames(options.namespace ?? '', { hashTags: isCluster(this.target) });
    this.fateTtlSeconds = options.fateTtlSeconds ?? DEFAULT_NOTICE_FATE_TTL_SECONDS;
    this.redis = this.connection();
  }

  private connection(): RedisConnection {
    // disconnectTimeout: ioredis's disconnect() of a connection that is down waits for a 'close' its
    // socket already emitted, holding the process open for that long (2 s by default) after close().
    const redis = createRedis(this.target, { connectionName: 'zenrelay-notices-client', disconnectTimeout: CLOSE_WAIT_MS, ...this.options.connection });
    redis.on('error', (err: Error) => {
      this.lastError = err;
      this.options.onError?.(err);
    });
    return redis;
  }

  /** The last error event of the connection (ECONNREFUSED, a TLS failure…), if any. */
  connectionError(): Error | undefined {
    return this.lastError;
  }

  /**
   * Says what went wrong with a failed call: ioredis often reports only
   * "Connection is closed", the cause (ECONNREFUSED…) came as an error event.
   */
  explain(err: unknown): string {
    if (err === undefined) return this.lastError?.message ?? 'not connected';
    const message = err instanceof Error ? err.message : String(err);
    if (/Connection is closed|Stream isn't writeable/i.test(message) && this.lastError) return this.lastError.message;
    return message;
  }

  /** Connects; rejects when Redis cannot be reached. */
  async connect(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await this.redis.connect();
  }

  /**
   * Stores a prepared notice: its `queued` fate and the stream entry, in one
   * transaction. Resolves once Redis has acknowledged the XADD.
   */
  async send(notice: Extract<NoticeCheck, { ok: true }>): Promise<QueuedNotice> {
    const { id, envelope, json } = notice;
    const key = `${this.names.noticePrefix}${id}`;
    const to = typeof envelope.data.to === 'string' ? envelope.data.to : envelope.data.to.join(',');
    const results = await this.redis
      .multi()
      .hset(key, { state: 'queued', queued_at: new Date().toISOString(), to, type: envelope.type })
      .expire(key, this.fateTtlSeconds)
      .xadd(this.names.notices, '*', NOTICE_ENTRY_FIELD, json)
      .exec();
    if (results === null) throw new Error('Redis aborted the transaction');
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0] as Error;
    const queued: QueuedNotice = { id, entry: String(results[2][1]) };
    const want = this.options.waitReplicas ?? 0;
    if (want > 0) queued.replicas = await waitForReplicas(this.redis, this.names.notices, want, this.options.waitTimeoutMs ?? 1000);
    return queued;
  }

  /** The fate of notice `id`, or undefined when Redis knows nothing of it (never queued, or its fate expired). */
  async fate(id: string): Promise<NoticeFateView | undefined> {
    const hash = await this.redis.hgetall(`${this.names.noticePrefix}${id}`);
    const fate = parseNoticeFate(hash);
    if (fate === undefined) return undefined;
    const view: Record<string, unknown> = { id };
    for (const [k, v] of Object.entries(fate)) if (v !== '') view[k] = v;
    if (fate.targets !== undefined) view.targets = parseTargetOutcomes(fate.targets);
    return view as NoticeFateView;
  }

  /**
   * Waits until notice `id` is sent, rejected or expired, up to `timeoutMs`.
   * Resolves with the final fate, or with the last known fate (queued or
   * undefined) on timeout. Listens for the receipt and also re-reads the fate
   * hash every `pollMs`, so a receipt missed over a reconnect cannot hang it.
   */
  async waitForFate(id: string, timeoutMs: number, pollMs = 1000): Promise<NoticeFateView | undefined> {
    const sub = this.connection();
    let wake: () => void = () => undefined;
    let seen = false;
    try {
      await sub.connect();
      sub.on('message', (_channel: string, message: string) => {
        const parsed = safeReceipt(message);
        if (parsed?.data.id !== id) return;
        seen = true;
        wake();
      });
      await subscribeKept(sub, [this.names.receipts]);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const fate = await this.fate(id);
        if (fate && isFinalNoticeState(fate.state)) return fate;
        const left = deadline - Date.now();
        if (left <= 0) return fate;
        if (seen) {
          seen = false; // the receipt came while the hash was being read: read it again now
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(pollMs, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      await closeConnection(sub);
    }
  }

  async close(): Promise<void> {
    await closeConnection(this.redis);
  }
}

function safeReceipt(message: string) {
  try {
    const parsed = receiptEvent.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Closes a connection without hanging: QUIT when connected (pending replies
 * arrive first), otherwise drop it at once (QUIT would wait in the offline
 * queue for a Redis that may never come back). Never disconnects twice.
 */
export async function closeConnection(redis: RedisConnection): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
