import { busNames } from '@zenrelay/protocol';
import { aclUsers, type AclUser } from './aclFile';

/** Redis' key pattern match for the patterns aclUsers writes (`*` only; braces are literal). */
function globMatches(pattern: string, key: string): boolean {
  const rx = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return rx.test(key);
}

/** The key patterns of a user's rules (`~pat` read-write, `%R~pat` read-only). */
function keyPatterns(user: AclUser): string[] {
  return user.rules
    .split(' ')
    .filter((r) => r.startsWith('~') || r.startsWith('%R~'))
    .map((r) => r.slice(r.indexOf('~') + 1));
}

const mayTouch = (user: AclUser, key: string) => keyPatterns(user).some((p) => globMatches(p, key));
const role = (users: AclUser[], r: string) => users.find((u) => u.role === r) as AclUser;

describe.each([false, true])('aclUsers (hash tags: %s)', (hashTags) => {
  for (const namespace of ['', 'net1']) {
    const n = busNames(namespace, { hashTags });
    const users = aclUsers(namespace, ['hello'], { hashTags });

    it(`lets each role reach the keys it uses under ${JSON.stringify(namespace)}`, () => {
      const bot = role(users, 'bot');
      for (const key of [n.nickKey, n.adminChannelsKey, n.notices, `${n.noticePrefix}x`, n.noticesDead, n.inStream, `${n.servicePrefix}hello`, `${n.replicaPrefix}hello:i1`]) {
        expect([key, mayTouch(bot, key)]).toEqual([key, true]);
      }
      const hello = role(users, 'service:hello');
      for (const key of [`${n.servicePrefix}hello`, `${n.replicaPrefix}hello:i1`, n.inStream, n.nickKey]) expect([key, mayTouch(hello, key)]).toEqual([key, true]);
      const writable = hello.rules.split(' ').filter((r) => r.startsWith('~')).map((r) => r.slice(1));
      for (const key of [`${n.servicePrefix}help`, `${n.replicaPrefix}help:i1`, n.notices, n.nickKey]) {
        expect([key, writable.some((p) => globMatches(p, key))]).toEqual([key, false]);
      }
      const notifier = role(users, 'notifier');
      for (const key of [n.notices, `${n.noticePrefix}x`, `${n.webhookDeliveryPrefix}d`]) expect([key, mayTouch(notifier, key)]).toEqual([key, true]);
      expect(mayTouch(notifier, n.inStream)).toBe(false);
    });
  }

  it(hashTags ? 'lets cluster clients read the slot map' : 'asks for no cluster commands', () => {
    for (const u of aclUsers('', ['hello'], { hashTags })) expect(u.rules.includes('+cluster|slots')).toBe(hashTags);
  });
});

describe('the audit channel', () => {
  const channels = (user: AclUser) => user.rules.split(' ').filter((r) => r.startsWith('&')).map((r) => r.slice(1));
  it.each(['', 'net1'])('only the admin service may publish audit events, the reader may follow them (namespace %j)', (namespace) => {
    const n = busNames(namespace);
    const users = aclUsers(namespace, ['hello', 'admin']);
    expect(channels(role(users, 'service:admin'))).toContain(n.audit);
    expect(channels(role(users, 'service:hello'))).not.toContain(n.audit);
    expect(channels(role(users, 'reader'))).toContain(n.audit);
    expect(channels(role(users, 'notifier'))).not.toContain(n.audit);
  });

  it('the bot may write the ignore list', () => {
    const n = busNames('');
    expect(mayTouch(role(aclUsers('', []), 'bot'), n.ignoreKey)).toBe(true);
    expect(mayTouch(role(aclUsers('', ['hello']), 'service:hello'), n.ignoreKey)).toBe(false);
  });
});
