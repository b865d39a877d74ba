import fc from 'fast-check';
import { ReturnAnnouncer, returnMessage } from './returnAnnouncer';

function announcer(thresholdMs = 60_000, minIntervalMs = 600_000) {
  const clock = { t: 0 };
  return { clock, a: new ReturnAnnouncer({ thresholdMs, minIntervalMs, now: () => clock.t }) };
}

describe('ReturnAnnouncer', () => {
  it('announces an outage longer than the threshold, measured from the first failure', () => {
    const { clock, a } = announcer();
    expect(a.cameBack()).toBeUndefined(); // the first connection is not a return
    clock.t = 1000;
    a.wentDown();
    clock.t = 30_000;
    a.wentDown(); // a failed reconnect attempt does not restart the outage
    clock.t = 241_000;
    expect(a.cameBack()).toEqual({ outageMs: 240_000 });
  });

  it('stays quiet for a short outage, and before the first connection', () => {
    const { clock, a } = announcer();
    a.wentDown();
    clock.t = 120_000;
    expect(a.cameBack()).toBeUndefined();
    a.wentDown();
    clock.t += 59_000;
    expect(a.cameBack()).toBeUndefined();
  });

  it('never announces twice within the interval, however the link flaps', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 0, max: 400_000 })), { maxLength: 60 }), (cycles) => {
        const { clock, a } = announcer(60_000, 600_000);
        a.cameBack();
        const announcedAt: number[] = [];
        for (const [down, up] of cycles) {
          a.wentDown();
          clock.t += down;
          if (a.cameBack()) announcedAt.push(clock.t);
          clock.t += up;
        }
        for (let i = 1; i < announcedAt.length; i++) expect(announcedAt[i] - announcedAt[i - 1]).toBeGreaterThanOrEqual(600_000);
      }),
    );
  });
});

it('says how long and what was delayed', () => {
  expect(returnMessage(240_000, { notices: 12, messages: 0 })).toBe('back after 4 min; 12 notices were delayed');
  expect(returnMessage(240_000, { notices: 1, messages: 0 })).toBe('back after 4 min; 1 notice was delayed');
  expect(returnMessage(90_000, { notices: 2, messages: 3 })).toBe('back after 90 s; 2 notices and 3 messages were delayed');
  expect(returnMessage(90_000, { notices: 0, messages: 0 })).toBe('back after 90 s');
});
