import fc from 'fast-check';
import { entryTime, fieldValue, tooOld } from './groupReader';

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
