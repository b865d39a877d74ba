import type { BusNames, ErrorEvent, InboundEvent } from '@zenrelay/protocol';
import {
  connectWaiting,
  createRedis,
  RedisConnectionLog,
  subscribeKept,
  type Logger,
  type RedisConnection,
  type RedisTarget,
} from '@zenrelay/runtime';
import type { BotMetrics } from '../metrics';
import { BoundedBuffer } from './boundedBuffer';
import { BatchScript, PUBLISH_MANY, type ItemResult } from './batchScript';

/**
 * The bot's Redis side: one connection subscribed to `out`, one publishing on
 * `in` and the errors channel. Events go out in order, in pipelined batches.
 *
 * - While Redis is connected no `in` event is dropped: the queue may hold up
 *   to CONNECTED_IN_BUFFER_MAX events, a bound a live Redis (some 100,000
 *   publishes a second) never lets a burst from IRC reach.
 * - While Redis is unreachable at most `inBufferMax` (ZEN_IN_BUFFER) wait,
 *   oldest dropped first and counted as dropped; they go out in order once it
 *   is back. ioredis resubscribes to `out` by itself after a reconnect.
 * - Error events have a queue of their own (ERROR_BUFFER_MAX), so a flood of
 *   bad `out` payloads never pushes out real IRC events.
 * - `zen_in_events_total` counts events Redis accepted, not events queued.
 */

/** Most `in` events queued while Redis is connected (see above). */
export const CONNECTED_IN_BUFFER_MAX = 1_000_000;
/** Most error events queued, connected or not; the oldest are dropped (counted) beyond it. */
export const ERROR_BUFFER_MAX = 1_000;

export interface RedisBusOptions {
  target: RedisTarget;
  names: BusNames;
  inBufferMax: number;
  /** Stored in `zenircbot:admin_spew_channels` at every connect, for ZenIRCBot's libraries. */
  adminChannel: string;
}

/** Handles one payload received on `out` (as bytes, so binary can be told apart). */
export type OutHandler = (payload: Buffer, channel: string) => void;

/** One payload to publish; `type` is the event type (for the metrics). */
type Outgoing = { channel: string; payload: string; type: string };

/** `in` events and error events per pipelined batch, at most. */
const BATCH = 500;
const ERROR_BATCH = 50;

export class RedisBus {
  private readonly sub: RedisConnection;
  private readonly pub: RedisConnection;
  private readonly events: BoundedBuffer<Outgoing>;
  private readonly errors = new BoundedBuffer<Outgoing>(ERROR_BUFFER_MAX);
  private pumping = false;
  private nick: string | undefined;
  private stopped = false;
  private readyOnce = false;
  private stopResubscribing: () => void = () => undefined;
  private readonly connectionLog: RedisConnectionLog;
  /** A burst's PUBLISHes as one script call (see batchScript.ts). */
  private readonly publishMany = new BatchScript(PUBLISH_MANY);

  constructor(
    private readonly options: RedisBusOptions,
    private readonly log: Logger,
    private readonly metrics: BotMetrics,
  ) {
    this.events = new BoundedBuffer(options.inBufferMax);
    const common = { lazyConnect: true, connectionName: 'zenrelay-bot', maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 2000) };
    this.sub = createRedis(options.target, common);
    this.pub = createRedis(options.target, { ...common, enableOfflineQueue: false });
    // Errors (one per retry, per connection) are summarised, not logged one by one.
    this.connectionLog = new RedisConnectionLog(log, options.target);
    this.connectionLog.watch(this.pub);
    this.sub.on('error', () => undefined);
    this.pub.on('ready', () => this.onPublisherReady());
    // Redis is away: from now on only ZEN_IN_BUFFER events are kept.
    this.pub.on('close', () => this.dropEvents(this.events.setCapacity(this.options.inBufferMax)));
  }

  /** The publishing connection, for the bot's few keys of its own (e.g. the STS policy). */
  get commands(): RedisConnection {
    return this.pub;
  }

  /** The publishing connection, shared with the in stream writer (see inStream.ts). */
  get publisher(): RedisConnection {
    return this.pub;
  }

  /**
   * Holds the publishing connection's socket writes back until the returned
   * function runs, so the commands queued meanwhile (an event's PUBLISH and
   * its XADD) leave in one write. A no-op without a single socket (a cluster).
   */
  corkWrites(): () => void {
    const stream = (this.pub as { stream?: unknown }).stream;
    if (this.pub.status !== 'ready' || !isCorkable(stream)) return () => undefined;
    stream.cork();
    return () => stream.uncork();
  }

  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  /** Connects both connections and subscribes to `out`; resolves once subscribed. */
  async start(onOut: OutHandler): Promise<void> {
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => onOut(message, channel.toString()));
    // A failed first connection is retried by ioredis; wait for it rather than give up.
    try {
      await connectWaiting([this.pub, this.sub], this.connectionLog);
    } catch (err) {
      // Stopped while waiting (a shutdown during startup): the start never completes, as before.
      if (this.stopped) await new Promise<never>(() => undefined);
      throw err;
    }
    this.stopResubscribing = await subscribeKept(this.sub, [this.options.names.out]);
    await this.pub.del(this.options.names.nickKey);
    this.log.info({ subscribed: this.options.names.out, publishing: this.options.names.in }, 'connected to Redis');
  }

  /** Stops taking `out` commands (used first thing on shutdown). */
  async unsubscribe(): Promise<void> {
    this.stopResubscribing();
    if (this.sub.status === 'ready') await this.sub.unsubscribe(this.options.names.out).catch(() => undefined);
  }

  /** Queues `event` for `in` and starts sending; `payload` is its JSON when the caller has it already. */
  publishIn(event: InboundEvent, payload = JSON.stringify(event)): void {
    this.queueIn(event, payload);
    this.flush();
  }

  /** Queues `event` for `in` without sending yet: `flush()` sends what is queued (the bridge batches one turn's events). */
  queueIn(event: InboundEvent, payload = JSON.stringify(event)): void {
    if (this.stopped) return;
    this.dropEvents(this.events.push({ channel: this.options.names.in, payload, type: event.type }));
  }

  /** Starts sending what is queued (a no-op while a batch is in flight: the next batch follows its reply); updates the buffer gauge once per call. */
  flush(): void {
    this.metrics.inBuffered.set(this.events.size);
    if (this.events.size > 0) this.pump();
  }

  publishError(event: ErrorEvent): void {
    if (this.stopped) return;
    this.dropErrors(this.errors.push({ channel: this.options.names.errors, payload: JSON.stringify(event), type: event.type }));
    this.pump();
  }

  /** Keeps `zenircbot:nick` equal to the bot's nick (set again after every Redis reconnect). */
  setNick(nick: string): void {
    this.nick = nick;
    if (this.pub.status !== 'ready') return;
    this.pub.set(this.options.names.nickKey, nick).catch((err: Error) => this.log.warn({ err: err.message }, 'could not store the nick in Redis'));
  }

  /**
   * ZenIRCBot's bot set `zenircbot:admin_spew_channels` at connect, and its
   * libraries' `send_admin_message` (called by every `register_commands`)
   * crash when it is missing. Kept after the bot stops, as ZenIRCBot did, so a
   * service that starts first does not crash either.
   */
  private setAdminChannel(): void {
    this.pub.set(this.options.names.adminChannelsKey, this.options.adminChannel).catch((err: Error) => this.log.warn({ err: err.message }, 'could not store the admin channel in Redis'));
  }

  /** Flushes what can be flushed (bounded), deletes the nick key, closes both connections. */
  async stop(flushTimeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + flushTimeoutMs;
    while (this.events.size + this.errors.size > 0 && this.pub.status === 'ready' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.stopped = true;
    if (this.pub.status === 'ready') await this.pub.del(this.options.names.nickKey).catch(() => undefined);
    await Promise.all([this.sub, this.pub].map((c) => c.quit().catch(() => c.disconnect())));
  }

  private dropEvents(dropped: Outgoing[]): void {
    if (dropped.length === 0) return;
    for (const [type, n] of countByType(dropped)) this.metrics.inDropped.inc({ type }, n);
  }

  private dropErrors(dropped: Outgoing[]): void {
    if (dropped.length > 0) this.metrics.errorsDropped.inc(dropped.length);
  }

  private onPublisherReady(): void {
    this.events.setCapacity(Math.max(CONNECTED_IN_BUFFER_MAX, this.options.inBufferMax));
    if (this.readyOnce) {
      this.metrics.redisReconnects.inc();
      if (this.events.size > 0) this.log.info({ buffered: this.events.size }, 'Redis is back: publishing the buffered `in` events');
    }
    this.readyOnce = true;
    if (this.nick !== undefined) this.setNick(this.nick);
    this.setAdminChannel();
    this.pump();
  }

  /** PUBLISHes `batch` (one script call for a burst, else a pipeline): one result per item, or null when the connection went away. */
  private publishBatch(batch: readonly Outgoing[]): Promise<ItemResult[] | null> {
    return this.publishMany.send(
      this.pub,
      batch.length,
      () => {
        const args: string[] = [];
        for (const item of batch) args.push(item.channel, item.payload);
        return { keys: [], args };
      },
      async () => {
        const pipeline = this.pub.pipeline();
        for (const item of batch) pipeline.publish(item.channel, item.payload);
        return pipeline.exec().catch(() => null);
      },
      (why) => this.log.warn({ err: why }, 'Redis refused a script call: publishing `in` command by command (give the bot\'s ACL user +evalsha +eval)'),
    );
  }

  /** Sends both queues in order, a pipelined batch at a time; what a failed batch did not send goes back in front. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const step = async (): Promise<void> => {
      while (this.events.size + this.errors.size > 0 && this.pub.status === 'ready') {
        const events = this.events.take(BATCH);
        const errors = this.errors.take(ERROR_BATCH);
        const batch = events.concat(errors);
        const results = await this.publishBatch(batch);
        const sent = (i: number) => results !== null && !results[i]?.[0];
        for (const [type, n] of countByType(events.filter((_, i) => sent(i)))) this.metrics.inEvents.inc({ type }, n);
        const unsentEvents = events.filter((_, i) => !sent(i));
        const unsentErrors = errors.filter((_, i) => !sent(events.length + i));
        if (unsentEvents.length + unsentErrors.length === 0) continue;
        this.dropEvents(this.events.restore(unsentEvents));
        this.dropErrors(this.errors.restore(unsentErrors));
        break;
      }
      this.metrics.inBuffered.set(this.events.size);
    };
    step()
      .catch((err: Error) => this.log.error({ err: err.message }, 'publishing to Redis failed'))
      .finally(() => {
        this.pumping = false;
        if (this.events.size + this.errors.size > 0 && this.pub.status === 'ready') this.pump();
      });
  }
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

function isCorkable(stream: unknown): stream is Corkable {
  return typeof stream === 'object' && stream !== null && typeof (stream as Corkable).cork === 'function' && typeof (stream as Corkable).uncork === 'function';
}

function countByType(items: readonly Outgoing[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.type, (counts.get(item.type) ?? 0) + 1);
  return counts;
}
