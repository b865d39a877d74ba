import { buildFilter, channelsOf, matches, splitList, TailFilter } from './filter';
import { INHERITED_NAMES } from '@zenrelay/protocol';

const filter = (types: string[] = [], channels: string[] = []): TailFilter => {
  const built = buildFilter(types, channels);
  if (typeof built === 'string') throw new Error(built);
  return built;
};

describe('tail filters', () => {
  it('merge repeated options and comma lists', () => {
    expect(splitList(['privmsg, join', 'kick', ' ,'])).toEqual(['privmsg', 'join', 'kick']);
    expect(splitList(undefined)).toEqual([]);
  });

  it('refuse unknown types, naming the known ones', () => {
    expect(buildFilter(['privmsg,bogus'], [])).toMatch(/unknown type bogus; known types: privmsg/);
  });

  it('show everything when no filter is set, invalid payloads included', () => {
    expect(matches(filter(), undefined)).toBe(true);
    expect(matches(filter(), { version: 1, type: 'quit', data: { sender: 'a', reason: '' } })).toBe(true);
  });

  it('match types case-insensitively', () => {
    const f = filter(['PRIVMSG,join']);
    expect(matches(f, { type: 'privmsg', data: {} })).toBe(true);
    expect(matches(f, { type: 'join', data: {} })).toBe(true);
    expect(matches(f, { type: 'part', data: {} })).toBe(false);
    expect(matches(f, undefined)).toBe(false);
  });

  it('match the channel of in events and the targets of out commands', () => {
    const f = filter([], ['#Test']);
    expect(matches(f, { type: 'privmsg', data: { channel: '#test', sender: 'a', message: 'x' } })).toBe(true);
    expect(matches(f, { type: 'privmsg', data: { to: ['bob', '#TEST'], message: 'x' } })).toBe(true);
    expect(matches(f, { type: 'privmsg', data: { to: '#other', message: 'x' } })).toBe(false);
    expect(matches(f, { type: 'quit', data: { sender: 'a', reason: '' } })).toBe(false);
  });

  it('need both the type and the channel when both are set', () => {
    const f = filter(['join'], ['#a']);
    expect(matches(f, { type: 'join', data: { channel: '#a' } })).toBe(true);
    expect(matches(f, { type: 'part', data: { channel: '#a' } })).toBe(false);
    expect(matches(f, { type: 'join', data: { channel: '#b' } })).toBe(false);
  });

  it('find no channel in malformed data', () => {
    expect(channelsOf(null)).toEqual([]);
    expect(channelsOf({ data: 'x' })).toEqual([]);
    expect(channelsOf({ data: { to: [1, '#a'] } })).toEqual(['#a']);
  });
});

describe('tail filters and names inherited from Object', () => {
  it.each(INHERITED_NAMES)('refuse --type %s as unknown, and match a channel called %s', (name) => {
    expect(buildFilter([name], undefined)).toMatch(/^unknown type /);
    const filter = buildFilter(undefined, [name]) as TailFilter;
    expect(matches(filter, { type: 'privmsg', data: { channel: name } })).toBe(true);
    expect(matches(filter, { type: 'privmsg', data: { channel: '#other' } })).toBe(false);
    const byType = buildFilter(['privmsg'], undefined) as TailFilter;
    expect(matches(byType, { type: name, data: {} })).toBe(false);
  });
});
