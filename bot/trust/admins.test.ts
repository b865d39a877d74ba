import fc from 'fast-check';
import { isAdmin, parseAdmins } from './admins';
import { hostmaskMatches } from './hostmask';

function rules(raw: string) {
  const parsed = parseAdmins(raw);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.rules;
}

describe('hostmaskMatches', () => {
  it.each([
    ['*!~ops@ops.example.org', 'alice!~ops@ops.example.org', true],
    ['*!~ops@ops.example.org', 'alice!~ops@evil.example.org', false],
    ['alice!*@*', 'ALICE!x@y', true],
    ['a?ice!*@*', 'alice!x@y', true],
    ['a?ice!*@*', 'aice!x@y', false],
    ['*!*@*.example.org', 'bob!b@host.example.org', true],
    ['*!*@*.example.org', 'bob!b@example.org', false],
    ['*.org', 'x.org.evil', false],
    ['a.b', 'aXb', false],
  ])('%s ~ %s → %s', (mask, subject, expected) => {
    expect(hostmaskMatches(mask, subject)).toBe(expected);
  });

  it('agrees with a reference regular expression (property)', () => {
    const chars = fc.constantFrom('a', 'b', '!', '@', '.', '*', '?');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '!', '@', '.'), maxLength: 10 }), (mask, subject) => {
        const reference = new RegExp(`^${mask.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.]/, '\\.'))).join('')}$`, 's');
        return hostmaskMatches(mask, subject) === reference.test(subject);
      }),
    );
  });

  it('takes linear time on a pathological mask', () => {
    const mask = `${'*a'.repeat(200)}b`;
    const subject = 'a'.repeat(5000);
    expect(hostmaskMatches(mask, subject)).toBe(false);
  });
});

describe('ZEN_ADMINS', () => {
  const admins = rules('account:Alice, *!~ops@ops.example.org');

  it('trusts a vouched account or a matching hostmask, never a nick alone', () => {
    expect(isAdmin(admins, { nick: 'whoever', account: 'alice' })).toBe(true);
    expect(isAdmin(admins, { nick: 'carol', ident: '~ops', host: 'ops.example.org' })).toBe(true);
    expect(isAdmin(admins, { nick: 'alice', ident: 'alice', host: 'home.example.net' })).toBe(false);
    expect(isAdmin(admins, { nick: 'alice' })).toBe(false);
    expect(isAdmin(admins, { nick: 'alice_', ident: '~x', host: 'y', account: 'mallory' })).toBe(false);
  });

  it.each(['constructor', '__proto__', 'toString'])('an account named %s is no admin unless listed', (name) => {
    expect(isAdmin(admins, { nick: name, account: name })).toBe(false);
    expect(isAdmin(rules(`account:${name}`), { nick: 'x', account: name })).toBe(true);
  });

  it.each([
    ['alice', /a nick alone is never trusted/],
    ['account:', /account name/],
    ['account:a*', /account name/],
    ['*!*@*', /everyone an admin/],
    ['nick!user', /neither account/],
  ])('refuses %j with a reason', (raw, reason) => {
    const parsed = parseAdmins(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(reason);
  });

  it('an empty setting makes nobody an admin', () => {
    expect(isAdmin(rules(''), { nick: 'a', ident: 'b', host: 'c', account: 'a' })).toBe(false);
  });
});
