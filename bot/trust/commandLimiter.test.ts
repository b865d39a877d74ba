import fc from 'fast-check';
import { CommandLimiter } from './commandLimiter';

const limits = { sender: { burst: 3, ratePerSecond: 1 }, channel: { burst: 5, ratePerSecond: 2 }, warnEveryMs: 60_000 };

describe('CommandLimiter', () => {
  it('lets a burst through, then refuses and warns once per flood', () => {
    const l = new CommandLimiter(limits);
    const verdicts = Array.from({ length: 20 }, () => l.take('u@h', '#c', 0));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(3);
    expect(verdicts.filter((v) => !v.ok && v.warn)).toHaveLength(1);
  });

  it('warns again only after a command passed or the warning window ended', () => {
    const l = new CommandLimiter(limits);
    for (let i = 0; i < 5; i++) l.take('u@h', undefined, 0);
    expect(l.take('u@h', undefined, 10)).toMatchObject({ ok: false, warn: false });
    expect(l.take('u@h', undefined, 1000)).toEqual({ ok: true });
    expect(l.take('u@h', undefined, 1000)).toMatchObject({ ok: false, warn: true });
  });

  it('limits a channel across senders, without charging the sender for it', () => {
    const l = new CommandLimiter({ ...limits, sender: { burst: 100, ratePerSecond: 1 } });
    const ok = Array.from({ length: 10 }, (_, i) => l.take(`u${i}@h`, '#c', 0)).filter((v) => v.ok);
    expect(ok).toHaveLength(5);
    expect(l.take('u9@h', undefined, 0)).toEqual({ ok: true });
  });

  it('rate 0 means no limit', () => {
    const l = new CommandLimiter({ ...limits, sender: { burst: 1, ratePerSecond: 0 }, channel: { burst: 1, ratePerSecond: 0 } });
    for (let i = 0; i < 100; i++) expect(l.take('u@h', '#c', 0).ok).toBe(true);
  });

  it('keeps a bounded number of buckets and drops refilled ones', () => {
    const l = new CommandLimiter({ ...limits, maxKeys: 50 });
    for (let i = 0; i < 1000; i++) l.take(`u${i}@h`, `#c${i}`, 0);
    expect(l.size.senders).toBeLessThanOrEqual(50);
    expect(l.size.channels).toBeLessThanOrEqual(50);
    l.sweep(120_000);
    expect(l.size).toEqual({ senders: 0, channels: 0 });
  });

  it('never passes more than burst + rate × time, and warns at most once per window (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 300 }), (gaps) => {
        const l = new CommandLimiter(limits);
        let now = 0;
        let passed = 0;
        let warns = 0;
        for (const gap of gaps) {
          now += gap;
          const v = l.take('__proto__', 'constructor', now);
          if (v.ok) passed++;
          else if (v.warn) warns++;
        }
        const bySender = limits.sender.burst + (now * limits.sender.ratePerSecond) / 1000;
        return passed <= bySender + 1e-9 && warns <= passed + 1 + Math.floor(now / limits.warnEveryMs);
      }),
    );
  });
});
