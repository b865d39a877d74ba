import { createBucket, takeToken, type BucketOptions, type TokenBucket } from '@zenrelay/runtime';

/**
 * Command rate limits: a token bucket per sender and one per channel
 * (ZEN_COMMAND_RATE/BURST, ZEN_CHANNEL_COMMAND_RATE/BURST). A command that
 * finds either bucket empty is not published as `directed_privmsg`; the
 * sender is told "slow down" once, and not again until a command of theirs
 * passes or `warnEveryMs` went by. Memory is bounded: buckets that are full
 * again carry no information and are dropped on the next sweep, and at most
 * `maxKeys` of each are kept (the least recently used go first). Keys live in
 * Maps. Pure apart from the clock passed in.
 */

export interface CommandLimits {
  sender: BucketOptions;
  channel: BucketOptions;
  /** Shortest time between two "slow down" notices to one sender. */
  warnEveryMs: number;
  /** Most buckets of each kind held. Default 10000. */
  maxKeys?: number;
}

export type Verdict = { ok: true } | { ok: false; limit: 'sender' | 'channel'; warn: boolean; waitMs: number };

interface SenderState {
  bucket: TokenBucket;
  /** When the last "slow down" went out, while it is still in force. */
  warnedAt?: number;
}

const SWEEP_EVERY = 256;

export class CommandLimiter {
  private readonly senders = new Map<string, SenderState>();
  private readonly channels = new Map<string, TokenBucket>();
  private readonly maxKeys: number;
  private calls = 0;

  constructor(private readonly limits: CommandLimits) {
    this.maxKeys = limits.maxKeys ?? 10_000;
  }

  /** Buckets held (for tests and metrics). */
  get size(): { senders: number; channels: number } {
    return { senders: this.senders.size, channels: this.channels.size };
  }

  /**
   * Takes a token for a command from `sender` (a stable key: ident@host,
   * lowercased) in `channel` (undefined for a private message).
   */
  take(sender: string, channel: string | undefined, now: number): Verdict {
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    const state = this.senders.get(sender) ?? { bucket: createBucket(this.limits.sender.burst, now) };
    const bySender = takeToken(state.bucket, this.limits.sender, now);
    state.bucket = bySender.bucket;
    let verdict: Verdict;
    if (!bySender.ok) {
      verdict = this.refuse(state, 'sender', bySender.waitMs, now);
    } else if (channel !== undefined) {
      const bucket = this.channels.get(channel) ?? createBucket(this.limits.channel.burst, now);
      const byChannel = takeToken(bucket, this.limits.channel, now);
      this.touch(this.channels, channel, byChannel.bucket);
      if (byChannel.ok) verdict = { ok: true };
      else {
        // The sender's token was not used: give it back.
        state.bucket = { tokens: state.bucket.tokens + 1, updatedAt: now };
        verdict = this.refuse(state, 'channel', byChannel.waitMs, now);
      }
    } else {
      verdict = { ok: true };
    }
    if (verdict.ok) state.warnedAt = undefined;
    this.touch(this.senders, sender, state);
    return verdict;
  }

  private refuse(state: SenderState, limit: 'sender' | 'channel', waitMs: number, now: number): Verdict {
    const warn = state.warnedAt === undefined || now - state.warnedAt >= this.limits.warnEveryMs;
    if (warn) state.warnedAt = now;
    return { ok: false, limit, warn, waitMs };
  }

  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    while (map.size > this.maxKeys) map.delete(map.keys().next().value as string);
  }

  /** Drops buckets that refilled (they say nothing a new one would not) and warnings that expired. */
  sweep(now: number): void {
    const full = (b: TokenBucket, o: BucketOptions) => o.ratePerSecond === 0 || b.tokens + ((now - b.updatedAt) * o.ratePerSecond) / 1000 >= Math.max(1, o.burst);
    for (const [key, state] of this.senders) {
      const warned = state.warnedAt !== undefined && now - state.warnedAt < this.limits.warnEveryMs;
      if (!warned && full(state.bucket, this.limits.sender)) this.senders.delete(key);
    }
    for (const [key, bucket] of this.channels) if (full(bucket, this.limits.channel)) this.channels.delete(key);
  }
}
