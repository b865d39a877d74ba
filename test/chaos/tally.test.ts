import { attribute, QUIET, tally, type FaultWindow } from './tally';

const windows: FaultWindow[] = [
  { kind: 'bot-kill', start: 1000, recovered: 3000 },
  { kind: 'redis-kill', start: 10000, recovered: 12000 },
];

describe('chaos tally', () => {
  it('attributes a send to the window it falls in, with the grace before the fault', () => {
    expect(attribute(windows, 500, 100)).toBe(QUIET);
    expect(attribute(windows, 950, 100)).toBe('bot-kill');
    expect(attribute(windows, 3000, 100)).toBe('bot-kill');
    expect(attribute(windows, 3001, 100)).toBe(QUIET);
    expect(attribute(windows, 11000, 100)).toBe('redis-kill');
  });

  it('counts lost and duplicated per kind, ignoring numbers never sent', () => {
    const sent = [
      { n: 1, sentAt: 0 },
      { n: 2, sentAt: 1500 },
      { n: 3, sentAt: 2000 },
      { n: 4, sentAt: 11000 },
    ];
    const result = tally(windows, sent, [1, 2, 2, 2, 4, 99], 100);
    expect(result.get(QUIET)).toEqual({ faults: 0, sent: 1, received: 1, lost: 0, duplicated: 0 });
    expect(result.get('bot-kill')).toEqual({ faults: 1, sent: 2, received: 1, lost: 1, duplicated: 2 });
    expect(result.get('redis-kill')).toEqual({ faults: 1, sent: 1, received: 1, lost: 0, duplicated: 0 });
  });

  it('lists a fault kind with no traffic, and quiet even without faults', () => {
    expect([...tally([{ kind: 'ngircd-freeze', start: 0, recovered: 1 }], [], [], 0).keys()].sort()).toEqual(['ngircd-freeze', QUIET]);
  });
});
