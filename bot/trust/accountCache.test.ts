import { AccountCache } from './accountCache';

describe('AccountCache', () => {
  let now = 0;
  const cache = () => new AccountCache({ ttlMs: 1000, maxEntries: 3, now: () => now });

  beforeEach(() => (now = 0));

  it('remembers for the TTL only, by IRC-lowercased nick', () => {
    const c = cache();
    c.set('Alice[m]', { account: 'alice' });
    expect(c.get('alice{m}')).toEqual({ account: 'alice' });
    now = 1001;
    expect(c.get('alice[m]')).toBeUndefined();
  });

  it('knows "not logged in" apart from "unknown"', () => {
    const c = cache();
    c.set('bob', { account: undefined });
    expect(c.get('bob')).toEqual({ account: undefined });
    expect(c.get('carol')).toBeUndefined();
  });

  it('follows NICK and QUIT; a new nick never inherits a stranger', () => {
    const c = cache();
    c.set('alice', { account: 'alice' });
    c.set('mallory', { account: 'mallory' });
    c.rename('alice', 'ally');
    expect(c.get('ally')).toEqual({ account: 'alice' });
    expect(c.get('alice')).toBeUndefined();
    c.rename('someone', 'mallory');
    expect(c.get('mallory')).toBeUndefined();
    c.forget('ally');
    expect(c.get('ally')).toBeUndefined();
  });

  it('is bounded, oldest first, and __proto__ is a plain nick', () => {
    const c = cache();
    for (const nick of ['__proto__', 'constructor', 'a', 'b']) c.set(nick, { account: nick });
    expect(c.size).toBe(3);
    expect(c.get('__proto__')).toBeUndefined();
    expect(c.get('constructor')).toEqual({ account: 'constructor' });
  });
});
