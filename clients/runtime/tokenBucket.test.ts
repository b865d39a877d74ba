import { chargeTokens, createBucket, takeToken, type BucketOptions, type TokenBucket } from './tokenBucket';

const opts: BucketOptions = { burst: 5, ratePerSecond: 1 };

/** Takes tokens as fast as allowed from t=0 to `untilMs`, returning the times of the takes. */
function simulate(options: BucketOptions, untilMs: number): number[] {
  let bucket = createBucket(options.burst, 0);
  const times: number[] = [];
  let now = 0;
  while (now <= untilMs) {
    const result = takeToken(bucket, options, now);
    bucket = result.bucket;
    if (result.ok) times.push(now);
    else now += result.waitMs;
  }
  return times;
}

describe('token bucket', () => {
  it('starts full', () => {
    expect(createBucket(5, 1234)).toEqual({ tokens: 5, updatedAt: 1234 });
  });

  it('allows a burst, then reports how long to wait', () => {
    let bucket = createBucket(5, 0);
    for (let k = 0; k < 5; k++) {
      const result = takeToken(bucket, opts, 0);
      expect(result).toMatchObject({ ok: true, waitMs: 0 });
      bucket = result.bucket;
    }
    const refused = takeToken(bucket, opts, 0);
    expect(refused.ok).toBe(false);
    expect(refused.waitMs).toBe(1000);
    const later = takeToken(refused.bucket, opts, 400);
    expect(later.ok).toBe(false);
    expect(later.waitMs).toBe(600);
    expect(takeToken(later.bucket, opts, 1000).ok).toBe(true);
  });

  it('refills at the rate and no further than the burst', () => {
    let bucket = createBucket(5, 0);
    for (let k = 0; k < 5; k++) bucket = takeToken(bucket, opts, 0).bucket;
    expect(takeToken(bucket, opts, 2500).bucket.tokens).toBeCloseTo(1.5);
    expect(takeToken(bucket, opts, 60_000).bucket.tokens).toBe(4); // capped at 5, minus the one taken
  });

  it('sends the burst, then one line per second', () => {
    const times = simulate(opts, 10_000);
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(times.slice(5)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
  });

  it('handles fractional and fast rates', () => {
    expect(simulate({ burst: 1, ratePerSecond: 0.5 }, 10_000)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    const fast = simulate({ burst: 2, ratePerSecond: 3 }, 1000);
    expect(fast.length).toBe(2 + 3);
    for (let k = 1; k < fast.length; k++) expect((fast[k] as number) - (fast[k - 1] as number)).toBeLessThanOrEqual(334);
  });

  it('treats rate 0 as unlimited', () => {
    let bucket = createBucket(1, 0);
    let refused = 0;
    for (let k = 0; k < 1000; k++) {
      const result = takeToken(bucket, { burst: 1, ratePerSecond: 0 }, 0);
      if (!result.ok || result.waitMs !== 0) refused++;
      bucket = result.bucket;
    }
    expect(refused).toBe(0);
  });

  it('never changes the bucket it is given', () => {
    const bucket: TokenBucket = Object.freeze(createBucket(2, 0));
    const result = takeToken(bucket, { burst: 2, ratePerSecond: 1 }, 100);
    expect(result.bucket).not.toBe(bucket);
    expect(bucket).toEqual({ tokens: 2, updatedAt: 0 });
  });

  it('refills nothing when the clock goes backwards', () => {
    let bucket = createBucket(1, 1000);
    bucket = takeToken(bucket, { burst: 1, ratePerSecond: 1 }, 1000).bucket;
    const result = takeToken(bucket, { burst: 1, ratePerSecond: 1 }, 500);
    expect(result.ok).toBe(false);
    expect(result.bucket.tokens).toBe(0);
  });

  it('treats a burst below 1 as 1', () => {
    expect(simulate({ burst: 0, ratePerSecond: 1 }, 2000)).toEqual([0, 1000, 2000]);
  });

  it('refuses a negative rate', () => {
    expect(() => takeToken(createBucket(1, 0), { burst: 1, ratePerSecond: -1 }, 0)).toThrow(RangeError);
  });
});

describe('chargeTokens', () => {
  const opts = { burst: 4, ratePerSecond: 2 };

  it('refills first, then takes the tokens even when they are not there', () => {
    const b = chargeTokens({ tokens: 1, updatedAt: 0 }, 3, opts, 500);
    expect(b).toEqual({ tokens: -1, updatedAt: 500 });
    const next = takeToken(b, opts, 500);
    expect(next.ok).toBe(false);
    expect(next.waitMs).toBe(1000);
  });

  it('never goes below minus the burst, and does nothing when unlimited', () => {
    expect(chargeTokens(createBucket(4, 0), 100, opts, 0).tokens).toBe(-4);
    expect(chargeTokens(createBucket(4, 0), 100, { burst: 4, ratePerSecond: 0 }, 0).tokens).toBe(4);
  });
});
