import type { BusNames, ErrorEvent, InboundEvent } from '../../clients/protocol';
import { createRedis, describeTarget, subscribeKept, type RedisConnection, type RedisTarget } from '../../clients/redis';
import type { Logger } from '../log';
import type { BotMetrics } from '../metrics';
import { BoundedBuffer } from './boundedBuffer';

/**
 * The bot's Redis side: one connection subscribed to `out`, one publishing on
 * `in`. While Redis is unreachable, `in` events wait in a bounded buffer
 * (oldest dropped first, counted) and go out in order once it is back; ioredis
 * resubscribes to `out` by itself after a reconnect.
 */

export interface RedisBusOptions {
  target: RedisTarget;
  names: BusNames;
  inBufferMax: number;
}

/** Handles one payload received on `out` (as bytes, so binary can be told apart). */
export type OutHandler = (payload: Buffer, channel: string) => void;

type Outgoing = { channel: string; payload: string };

const BATCH = 200;

export class RedisBus {
  private readonly sub: RedisConnection;
  private readonly pub: RedisConnection;
  private readonly buffer: BoundedBuffer<Outgoing>;
  private pumping = false;
  private nick: string | undefined;
  private stopped = false;
  private readyOnce = false;
  private stopResubscribing: () => void = () => undefined;

  constructor(
    private readonly options: RedisBusOptions,
    private readonly log: Logger,
    private readonly metrics: BotMetrics,
  ) {
    this.buffer = new BoundedBuffer(options.inBufferMax);
    const common = { connectionName: 'zenrelay-bot', maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 2000) };
    this.sub = createRedis(options.target, common);
    this.pub = createRedis(options.target, { ...common, enableOfflineQueue: false });
    for (const [role, conn] of [['subscriber', this.sub], ['publisher', this.pub]] as const) {
      conn.on('error', (err: Error) => log.warn({ role, err: err.message }, 'Redis error'));
    }
    this.pub.on('ready', () => this.onPublisherReady());
  }

  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  /** Connects both connections and subscribes to `out`; resolves once subscribed. */
  async start(onOut: OutHandler): Promise<void> {
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => onOut(message, channel.toString()));
    // A failed first connection is retried by ioredis; wait for it rather than give up.
    this.sub.connect().catch(() => undefined);
    this.pub.connect().catch(() => undefined);
    if (this.pub.status !== 'ready') {
      this.log.info({ redis: describeTarget(this.options.target) }, 'waiting for Redis');
      await new Promise<void>((resolve) => this.pub.once('ready', () => resolve()));
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

  publishIn(event: InboundEvent): void {
    this.enqueue(this.options.names.in, JSON.stringify(event));
  }

  publishError(event: ErrorEvent): void {
    this.enqueue(this.options.names.errors, JSON.stringify(event));
  }

  /** Keeps `zenircbot:nick` equal to the bot's nick (set again after every Redis reconnect). */
  setNick(nick: string): void {
    this.nick = nick;
    if (this.pub.status !== 'ready') return;
    this.pub.set(this.options.names.nickKey, nick).catch((err: Error) => this.log.warn({ err: err.message }, 'could not store the nick in Redis'));
  }

  /** Flushes what can be flushed (bounded), deletes the nick key, closes both connections. */
  async stop(flushTimeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + flushTimeoutMs;
    while (this.buffer.size > 0 && this.pub.status === 'ready' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.stopped = true;
    if (this.pub.status === 'ready') await this.pub.del(this.options.names.nickKey).catch(() => undefined);
    await Promise.all([this.sub, this.pub].map((c) => c.quit().catch(() => c.disconnect())));
  }

  private enqueue(channel: string, payload: string): void {
    if (this.stopped) return;
    if (this.buffer.push({ channel, payload }) > 0) this.metrics.inDropped.inc();
    this.metrics.inBuffered.set(this.buffer.size);
    this.pump();
  }

  private onPublisherReady(): void {
    if (this.readyOnce) {
      this.metrics.redisReconnects.inc();
      this.log.info({ buffered: this.buffer.size }, 'Redis is back');
    }
    this.readyOnce = true;
    if (this.nick !== undefined) this.setNick(this.nick);
    this.pump();
  }

  /** Sends the buffer in order, a pipelined batch at a time; a failed batch goes back in front. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const step = async (): Promise<void> => {
      while (this.buffer.size > 0 && this.pub.status === 'ready') {
        const batch = this.buffer.take(BATCH);
        const pipeline = this.pub.pipeline();
        for (const item of batch) pipeline.publish(item.channel, item.payload);
        try {
          const results = await pipeline.exec();
          const failed = results?.findIndex(([err]) => err) ?? -1;
          if (results === null || failed !== -1) {
            this.buffer.restore(batch.slice(failed === -1 ? 0 : failed));
            break;
          }
        } catch {
          this.buffer.restore(batch);
          break;
        }
      }
      this.metrics.inBuffered.set(this.buffer.size);
    };
    step()
      .catch((err: Error) => this.log.error({ err: err.message }, 'publishing to Redis failed'))
      .finally(() => {
        this.pumping = false;
        if (this.buffer.size > 0 && this.pub.status === 'ready') this.pump();
      });
  }
}
