import fc from 'fast-check';
import { entryTime, fieldValue, idleConsumers, tooOld } from './groupReader';

describe('stream entry helpers', () => {
  it('read the time from an entry id', () => {
    expect(entryTime('1700000000000-3')).toBe(1700000000000);
    expect(entryTime('garbage')).toBeNaN();
    fc.assert(fc.property(fc.nat(), fc.nat(), (ms, seq) => entryTime(`${ms}-${seq}`) === ms));
  });

  it('call an entry too old only past the maximum age (and any entry whose id is not a stream id)', () => {
    expect(tooOld('1000-0', 3000, 2000)).toBe(false);
    expect(tooOld('1000-0', 3001, 2000)).toBe(true);
    expect(tooOld('x', 0, 2000)).toBe(true);
  });

  it('find a field in a flat field list', () => {
    expect(fieldValue(['a', '1', 'event', '{}'], 'event')).toBe('{}');
    expect(fieldValue(['event'], 'event')).toBeUndefined();
    expect(fieldValue([], 'event')).toBeUndefined();
  });
});

describe('idleConsumers', () => {
  it('lists consumers with nothing pending that have been idle long enough, never itself', () => {
    const info = [
      ['name', 'dead', 'pending', 0, 'idle', 5000, 'inactive', 5000],
      ['name', 'busy', 'pending', 3, 'idle', 9000],
      ['name', 'fresh', 'pending', 0, 'idle', 10],
      ['name', 'me', 'pending', 0, 'idle', 9000],
      'junk',
    ];
    expect(idleConsumers(info, 1000, 'me')).toEqual(['dead']);
    expect(idleConsumers(null, 1000, 'me')).toEqual([]);
  });
});
