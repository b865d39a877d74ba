import { ClientRateLimiter } from './rateLimiter';

describe('ClientRateLimiter', () => {
  it('lets a burst through, then refuses with the seconds until the next request', () => {
    const limiter = new ClientRateLimiter(60, 3); // one per second after 3
    expect([1, 2, 3].map(() => limiter.take('10.0.0.1', 0).ok)).toEqual([true, true, true]);
    expect(limiter.take('10.0.0.1', 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('10.0.0.1', 1000)).toEqual({ ok: true });
  });

  it('counts each client on its own', () => {
    const limiter = new ClientRateLimiter(1, 1); // one per minute
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('b', 0).ok).toBe(true);
  });

  it('forgets the least recently seen client beyond its capacity', () => {
    const limiter = new ClientRateLimiter(1, 1, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('a', 0); // a is now the most recent
    limiter.take('c', 0); // evicts b
    expect(limiter.clients).toBe(2);
    expect(limiter.take('b', 0).ok).toBe(true); // b starts over with a full bucket
    expect(limiter.take('c', 0).ok).toBe(false);
  });
});
