import { checkMask, IgnoreList, parseMasks } from './ignoreList';

describe('ignore masks', () => {
  it('parses ZEN_IGNORE', () => {
    expect(parseMasks(' spammer!*@* , *!*@bad.example.org,')).toEqual({ ok: true, masks: ['spammer!*@*', '*!*@bad.example.org'] });
  });

  it.each([
    ['spammer', /not a nick!user@host mask/],
    ['*!*@*', /ignore everyone/],
    ['a b!c@d', /not a nick/],
  ])('refuses %j saying why', (raw, why) => {
    const r = checkMask(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(why);
  });

  it('ignores by the fixed and the runtime list, case-insensitively', () => {
    const list = new IgnoreList(['spammer!*@*']);
    expect(list.ignores('Spammer', 'x', 'y')).toBe(true);
    expect(list.ignores('bob', '~b', 'bad.example.org')).toBe(false);
    list.setRuntime(['*!*@BAD.example.org', 'not a mask']);
    expect(list.ignores('bob', '~b', 'bad.example.org')).toBe(true);
    expect(list.masks()).toEqual({ fixed: ['spammer!*@*'], runtime: ['*!*@BAD.example.org'] });
    list.setRuntime([]);
    expect(list.ignores('bob', '~b', 'bad.example.org')).toBe(false);
  });

  it('a nick like __proto__ is an ordinary nick', () => {
    const list = new IgnoreList(['__proto__!*@*']);
    expect(list.ignores('__proto__', 'a', 'b')).toBe(true);
    expect(list.ignores('constructor', 'a', 'b')).toBe(false);
  });
});
