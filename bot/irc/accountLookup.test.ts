import { parseIrcLine } from '../delivery/ircLine';
import { AccountLookup, MAX_PENDING_LOOKUPS, parseWhoxReply, WHOX_TOKEN } from './accountLookup';

const line = (raw: string) => parseIrcLine(raw)!;

describe('WHOX account lookups', () => {
  it('parses our 354 replies only', () => {
    expect(parseWhoxReply(line(`:irc 354 zen ${WHOX_TOKEN} ~a 127.0.0.1 alice H alice`))).toEqual({ nick: 'alice', user: '~a', host: '127.0.0.1', flags: 'H', account: 'alice' });
    expect(parseWhoxReply(line(`:irc 354 zen ${WHOX_TOKEN} ~c 127.0.0.1 carol HB 0`))).toMatchObject({ account: undefined, flags: 'HB' });
    expect(parseWhoxReply(line(':irc 354 zen 999 ~a h alice H alice'))).toBeUndefined();
    expect(parseWhoxReply(line(':irc 352 zen #c ~a h irc alice H :0 A'))).toBeUndefined();
  });

  function lookup(whox = true) {
    const sent: string[] = [];
    const l = new AccountLookup({
      send: (s) => (sent.push(s), true),
      whox: () => whox,
      botFlag: () => 'B',
      whois: async (nick) => (nick === 'alice' ? { account: 'alice' } : Promise.reject(new Error('not found'))),
    });
    return { l, sent };
  }

  it('sends one WHO for concurrent lookups and answers all of them', async () => {
    const { l, sent } = lookup();
    const a = l.lookup('alice', 1000);
    const b = l.lookup('ALICE', 1000);
    expect(sent).toEqual([`WHO alice %tuhnfa,${WHOX_TOKEN}`]);
    l.onServerLine(line(`:irc 354 zen ${WHOX_TOKEN} ~a h alice HB alice`));
    l.onServerLine(line(':irc 315 zen alice :End of /WHO list.'));
    expect(await a).toEqual({ account: 'alice', bot: true });
    expect(await b).toEqual({ account: 'alice', bot: true });
  });

  it('answers undefined for an unknown nick and on timeout', async () => {
    const { l } = lookup();
    const gone = l.lookup('gone', 1000);
    l.onServerLine(line(':irc 315 zen gone :End of /WHO list.'));
    expect(await gone).toBeUndefined();
    expect(await l.lookup('silent', 20)).toBeUndefined();
  });

  it('falls back to WHOIS without WHOX', async () => {
    const { l, sent } = lookup(false);
    expect(await l.lookup('alice', 100)).toEqual({ account: 'alice' });
    expect(await l.lookup('nobody', 100)).toBeUndefined();
    expect(sent).toEqual([]);
  });
});

describe('bounded lookups', () => {
  it(`asks about at most ${MAX_PENDING_LOOKUPS} nicks at once; the rest are not looked up`, async () => {
    const sent: string[] = [];
    const l = new AccountLookup({ send: (s) => (sent.push(s), true), whox: () => true, botFlag: () => undefined, whois: async () => ({}) });
    const lookups = Array.from({ length: MAX_PENDING_LOOKUPS + 10 }, (_, i) => l.lookup(`n${i}`, 50));
    expect(sent).toHaveLength(MAX_PENDING_LOOKUPS);
    expect(await lookups[MAX_PENDING_LOOKUPS + 5]).toBeUndefined();
    await Promise.all(lookups);
    l.lookup('later', 50);
    expect(sent).toHaveLength(MAX_PENDING_LOOKUPS + 1);
  });
});
