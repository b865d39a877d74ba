/**
 * A pure token bucket for flood control: each line sent takes a token; tokens
 * come back at a steady rate up to a burst size. No clocks inside — callers
 * pass `now` (milliseconds, any monotonic origin) — and no mutation: every
 * call returns a new bucket.
 */

export interface TokenBucket {
  /** Tokens available at `updatedAt`; may be fractional. */
  readonly tokens: number;
  /** When `tokens` was last worked out, in the caller's milliseconds. */
  readonly updatedAt: number;
}

export interface BucketOptions {
  /** Most tokens the bucket holds (lines that may go out back to back). Values below 1 act as 1. */
  burst: number;
  /** Tokens added per second. 0 means unlimited: every take succeeds. */
  ratePerSecond: number;
}

export interface TakeResult {
  bucket: TokenBucket;
  /** Whether a token was taken. */
  ok: boolean;
  /** When not ok: milliseconds until a token will be available (at least 1). 0 when ok. */
  waitMs: number;
}

/** Rounding slack, so a token that is due is not missed over floating-point error. */
const EPSILON = 1e-9;

/** A full bucket. */
export function createBucket(burst: number, now: number): TokenBucket {
  return { tokens: Math.max(1, burst), updatedAt: now };
}

/**
 * Refills `bucket` for the time since it was last updated, then takes one
 * token if there is one. A clock that went backwards refills nothing.
 *
 * @throws RangeError when ratePerSecond is negative or NaN.
 */
export function takeToken(bucket: TokenBucket, opts: BucketOptions, now: number): TakeResult {
  const { ratePerSecond } = opts;
  if (!(ratePerSecond >= 0)) throw new RangeError(`ratePerSecond must be 0 or more, got ${ratePerSecond}`);
  const capacity = Math.max(1, opts.burst);
  if (ratePerSecond === 0) {
    return { bucket: { tokens: capacity, updatedAt: now }, ok: true, waitMs: 0 };
  }
  const elapsed = Math.max(0, now - bucket.updatedAt);
  const tokens = Math.min(capacity, bucket.tokens + (elapsed * ratePerSecond) / 1000);
  if (tokens >= 1 - EPSILON) {
    return { bucket: { tokens: Math.max(0, tokens - 1), updatedAt: now }, ok: true, waitMs: 0 };
  }
  const waitMs = Math.max(1, Math.ceil(((1 - tokens) * 1000) / ratePerSecond - EPSILON));
  return { bucket: { tokens, updatedAt: now }, ok: false, waitMs };
}

/**
 * Refills `bucket`, then takes `count` tokens whether or not they are there:
 * for lines that went out without asking (the connection's own PONG, JOIN,
 * NICK), which the server counts all the same. The balance may go negative,
 * down to minus the burst, so later lines wait until the debt is paid.
 */
export function chargeTokens(bucket: TokenBucket, count: number, opts: BucketOptions, now: number): TokenBucket {
  const capacity = Math.max(1, opts.burst);
  if (opts.ratePerSecond === 0) return { tokens: capacity, updatedAt: now };
  const elapsed = Math.max(0, now - bucket.updatedAt);
  const tokens = Math.min(capacity, bucket.tokens + (elapsed * opts.ratePerSecond) / 1000);
  return { tokens: Math.max(-capacity, tokens - count), updatedAt: now };
}
