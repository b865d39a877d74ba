import { attemptAfterClose, backoffDelay } from './backoff';
import { alternativeNick } from './nicks';

describe('backoffDelay', () => {
  const opts = { minMs: 1000, maxMs: 60000 };

  it('doubles from the minimum, with jitter between half and all of the ceiling', () => {
    expect(backoffDelay(0, opts, () => 0)).toBe(500);
    expect(backoffDelay(0, opts, () => 0.999999)).toBe(1000);
    expect(backoffDelay(1, opts, () => 0)).toBe(1000);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(6000);
  });

  it('never exceeds the cap and never gives up', () => {
    for (const attempt of [6, 7, 20, 1000]) {
      const d = backoffDelay(attempt, opts, () => 0.999999);
      expect(d).toBeLessThanOrEqual(60000);
      expect(d).toBeGreaterThanOrEqual(30000);
    }
  });
});

describe('alternativeNick', () => {
  it('appends underscores first, then digits', () => {
    expect(alternativeNick('zen', 0)).toBe('zen_');
    expect(alternativeNick('zen', 1)).toBe('zen__');
    expect(alternativeNick('zen', 2, 30, () => 0.042)).toBe('zen042');
  });

  it('stays within the length limit', () => {
    const long = 'a'.repeat(30);
    expect(alternativeNick(long, 0)).toHaveLength(30);
    expect(alternativeNick(long, 0).endsWith('_')).toBe(true);
    expect(alternativeNick(long, 5, 30, () => 0.5)).toBe('a'.repeat(27) + '500');
  });
});

describe('attemptAfterClose', () => {
  it('starts over after a connection that stayed registered long enough', () => {
    expect(attemptAfterClose(5, 30_000, 30_000)).toBe(0);
    expect(attemptAfterClose(5, 3_600_000, 30_000)).toBe(0);
  });

  it('keeps counting when the server dropped the bot soon after registration, or before it', () => {
    expect(attemptAfterClose(5, 29_999, 30_000)).toBe(5);
    expect(attemptAfterClose(5, 0, 30_000)).toBe(5);
    expect(attemptAfterClose(3, undefined, 30_000)).toBe(3);
    expect(attemptAfterClose(0, 1000, 30_000)).toBe(0);
  });

  it('makes repeated kills right after registration back off to the cap', () => {
    const opts = { minMs: 1000, maxMs: 60000 };
    let attempt = 0;
    const delays: number[] = [];
    for (let kill = 0; kill < 8; kill++) {
      attempt = attemptAfterClose(attempt, 2000);
      delays.push(backoffDelay(attempt, opts, () => 0.999999));
      attempt++;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});
