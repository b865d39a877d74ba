import { backoffDelay } from './backoff';
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
