import { ChannelMembers, ircLower } from './channelMembers';

const rank = [
  { symbol: '@', mode: 'o' },
  { symbol: '%', mode: 'h' },
  { symbol: '+', mode: 'v' },
];

function fresh(): ChannelMembers {
  const m = new ChannelMembers(() => rank);
  m.join('#Ops', 'zen', true);
  m.userlist('#ops', [
    { nick: 'zen', modes: ['o'] },
    { nick: 'alice', modes: ['v', 'o'] },
    { nick: 'bob', modes: [] },
  ]);
  return m;
}

describe('ChannelMembers', () => {
  it('answers from the NAMES list with the highest prefix, case-insensitively', () => {
    expect(fresh().members('#OPS')).toEqual({
      channel: '#ops',
      members: [
        { nick: 'alice', prefix: '@' },
        { nick: 'bob', prefix: '' },
        { nick: 'zen', prefix: '@' },
      ],
    });
    expect(fresh().members('#elsewhere')).toBeUndefined();
  });

  it('follows joins, parts, kicks, quits, nick changes and member modes', () => {
    const m = fresh();
    m.join('#ops', 'carol', false);
    m.leave('#ops', 'BOB', false);
    m.rename('alice', 'Alicia');
    m.mode('#ops', [{ mode: '-o', param: 'alicia' }, { mode: '+h', param: 'carol' }, { mode: '+k', param: 'secret' }, { mode: '+v', param: 'nobody' }]);
    expect(m.members('#ops')?.members).toEqual([
      { nick: 'Alicia', prefix: '+' },
      { nick: 'carol', prefix: '%' },
      { nick: 'zen', prefix: '@' },
    ]);
    m.quit('carol');
    m.leave('#ops', 'Alicia', false);
    expect(m.members('#ops')?.members.map((x) => x.nick)).toEqual(['zen']);
    m.leave('#ops', 'zen', true);
    expect(m.members('#ops')).toBeUndefined();
  });

  it('a kick of the bot, or a disconnect, forgets the channel', () => {
    const m = fresh();
    m.leave('#ops', 'zen', true);
    expect(m.members('#ops')).toBeUndefined();
    const n = fresh();
    n.clear();
    expect(n.members('#ops')).toBeUndefined();
  });

  it('takes nicks like __proto__ and constructor as ordinary nicks', () => {
    const m = fresh();
    m.join('#ops', '__proto__', false);
    m.join('#ops', 'constructor', false);
    m.mode('#ops', [{ mode: '+v', param: '__proto__' }]);
    expect(m.members('#ops')?.members.filter((x) => x.nick.startsWith('_') || x.nick === 'constructor')).toEqual([
      { nick: '__proto__', prefix: '+' },
      { nick: 'constructor', prefix: '' },
    ]);
  });

  it('folds case the RFC 1459 way', () => {
    expect(ircLower('Nick[A]\\~')).toBe('nick{a}|^');
    const m = fresh();
    m.join('#ops', 'x[1]', false);
    m.quit('X{1}');
    expect(m.members('#ops')?.members.map((x) => x.nick)).toEqual(['alice', 'bob', 'zen']);
  });
});
