import { createBucket, takeToken, type BucketOptions, type TokenBucket } from '@zenrelay/runtime';

/**
 * Per-client rate limit for the webhook: one token bucket per client key
 * (the remote address). Remembers at most `maxClients` clients, forgetting
 * the least recently seen first, so a scan from many addresses cannot grow
 * memory without bound. The clock is passed in.
 */

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class ClientRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly options: BucketOptions;

  constructor(
    perMinute: number,
    burst: number,
    private readonly maxClients = 10_000,
  ) {
    this.options = { burst, ratePerSecond: perMinute / 60 };
  }

  /** Takes one request's token for `client` at time `nowMs`. */
  take(client: string, nowMs: number): RateDecision {
    const bucket = this.buckets.get(client) ?? createBucket(this.options.burst, nowMs);
    const result = takeToken(bucket, this.options, nowMs);
    this.buckets.delete(client); // re-insert: Map order is then least recently seen first
    this.buckets.set(client, result.bucket);
    if (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return result.ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(result.waitMs / 1000)) };
  }

  get clients(): number {
    return this.buckets.size;
  }
}
