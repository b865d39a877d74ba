import fc from 'fast-check';
import { Client } from 'irc-framework';
import { plainMessageEvent, serverTime, useMessageFastLane } from './messageFastLane';
import parseIrcLine = require('irc-framework/src/irclineparser');

/** The events a listener of the bot can see. (`message`, irc-framework's extra copy of each message event, is left out on purpose: nothing in zenrelay listens to it.) */
const EVENTS = ['raw', 'privmsg', 'notice', 'action', 'ctcp request', 'ctcp response', 'tagmsg', 'unknown command', 'batch start', 'batch end'];

/** Feeds `lines` to a real irc-framework client (no socket), with or without the fast lane; what its listeners saw, and after which lines the ping timeout was reset. */
function run(lines: string[], fast: boolean): { seen: Array<[string, unknown]>; resetAfter: boolean[] } {
  const client = new Client({ version: 'zen-test' });
  (client.network.options as Record<string, unknown>).STATUSMSG = ['@', '+'];
  if (fast) expect(useMessageFastLane(client)).toBe(true);
  const seen: Array<[string, unknown]> = [];
  const listen = client as unknown as { on(name: string, fn: (event: unknown) => void): void };
  for (const name of EVENTS) {
    listen.on(name, (event: unknown) => {
      // reply() is a closure irc-framework adds; nothing in zenrelay calls it.
      const { reply: _reply, ...rest } = (event ?? {}) as Record<string, unknown>;
      seen.push([name, JSON.parse(JSON.stringify(rest)) as unknown]);
    });
  }
  let resets = 0;
  (client as unknown as { resetPingTimeoutTimer(): void }).resetPingTimeoutTimer = () => resets++;
  const connection = (client as unknown as { connection: { addReadBuffer(line: string): void } }).connection;
  const resetAfter = lines.map((line) => {
    const before = resets;
    try {
      connection.addReadBuffer(line);
    } catch {
      // irc-framework throws on some malformed lines (the bot's transport catches it per line): it must throw alike.
      seen.push(['threw', line]);
    }
    return resets > before;
  });
  return { seen, resetAfter };
}

const piece = {
  tags: fc.constantFrom('', '@time=2026-12-01T10:00:00.000Z ', '@TIME=2026-12-01T10:00:00.000Z ', '@time=1700000000 ', '@time=nonsense ', '@account=alice ', '@account ', '@msgid=a\\sb;bot ', '@batch=b1 ', '@+draft/reply=x;label=zr1 '),
  source: fc.constantFrom('', ':nick!user@host ', ':__proto__!u@h ', ':server.example ', ':nick ', ':nick@host ', ':constructor!~u@h.example '),
  command: fc.constantFrom('PRIVMSG', 'privmsg', 'NOTICE', 'Notice', 'TAGMSG', 'PING', '001', 'BATCH'),
  target: fc.constantFrom('', '#chan ', '@#chan ', '+#chan ', 'zenbot ', '#a,#b ', '  #spaced '),
  text: fc.constantFrom('', ':hello there', ':', 'word', ': leading', ':\x01ACTION waves\x01', ':\x01VERSION\x01', ':\x01PING 123\x01', ':\x01', ':\x01ACTION', 'extra :two words', ':ümlaut ✓', '+b1 chathistory', '-b1'),
};
const line = fc.tuple(piece.tags, piece.source, piece.command, piece.target, piece.text).map((parts) => parts.join(''));

describe('the message fast lane', () => {
  it('gives every listener exactly what irc-framework gives it, line for line (property)', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const slow = run(lines, false);
        const fast = run(lines, true);
        expect(fast.seen).toEqual(slow.seen);
        expect(fast.resetAfter).toEqual(slow.resetAfter);
      }),
      { numRuns: 600 },
    );
  });

  it('takes a plain channel or private message, with its tags, time and account', () => {
    const lookup = () => null;
    const parsed = plainMessageEvent(parseIrcLine('@time=2026-12-01T10:00:00.000Z;account=alice :alice!al@example.org PRIVMSG #chan :hi there'), lookup);
    expect(parsed).toEqual({
      name: 'privmsg',
      event: expect.objectContaining({ nick: 'alice', ident: 'al', hostname: 'example.org', target: '#chan', message: 'hi there', account: 'alice', time: Date.parse('2026-12-01T10:00:00.000Z'), from_server: false }),
    });
    expect(plainMessageEvent(parseIrcLine(':bob!b@h NOTICE zenbot :psst'), lookup)?.name).toBe('notice');
  });

  it('leaves CTCP, batched, server and target-less lines to irc-framework', () => {
    const lookup = () => null;
    for (const raw of [':a!b@c PRIVMSG #c :\x01ACTION waves\x01', '@batch=x :a!b@c PRIVMSG #c :in a batch', ':irc.example NOTICE * :*** Looking up your hostname', ':a!b@c PRIVMSG :only one param', ':a!b@c JOIN #c']) {
      expect(plainMessageEvent(parseIrcLine(raw), lookup)).toBeUndefined();
    }
  });

  it('reads the time tag as irc-framework does (ISO 8601, or znc unix seconds)', () => {
    expect(serverTime({ time: '2026-12-01T10:00:00.000Z' })).toBe(Date.parse('2026-12-01T10:00:00.000Z'));
    expect(serverTime({ time: '1700000000' })).toBe(1700000000000);
    expect(serverTime({ time: 'soon' })).toBeUndefined();
    expect(serverTime({})).toBeUndefined();
  });

  it("a listener on the connection's own raw event still hears every line", () => {
    const client = new Client({ version: 'zen-test' });
    useMessageFastLane(client);
    const connection = (client as unknown as { connection: { addReadBuffer(line: string): void; on(name: string, fn: (e: { line: string }) => void): void } }).connection;
    const onConnection: string[] = [];
    const onClient: string[] = [];
    connection.on('raw', (e) => onConnection.push(e.line));
    (client as unknown as { on(name: string, fn: (e: { line: string }) => void): void }).on('raw', (e) => onClient.push(e.line));
    connection.addReadBuffer(':a!b@c PRIVMSG #c :hi');
    expect(onConnection).toEqual([':a!b@c PRIVMSG #c :hi']);
    expect(onClient).toEqual([':a!b@c PRIVMSG #c :hi']);
  });

  it('steps aside while middleware is installed (it would not run otherwise)', () => {
    const client = new Client({ version: 'zen-test' });
    useMessageFastLane(client);
    const seen: string[] = [];
    (client as unknown as { use(fn: (c: unknown, raw: { use(m: unknown): void }) => void): void }).use((_c, raw) => raw.use((command: string, _m: unknown, _l: string, _cl: unknown, next: () => void) => {
      seen.push(command);
      next();
    }));
    (client as unknown as { connection: { addReadBuffer(line: string): void } }).connection.addReadBuffer(':a!b@c PRIVMSG #c :hi');
    expect(seen).toEqual(['PRIVMSG']);
  });
});
