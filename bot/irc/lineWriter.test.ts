import fc from 'fast-check';
import { fitOutgoingLine, prefixBytes, truncateUtf8, type WireIdentity } from './lineWriter';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const me: WireIdentity = { nick: 'zen', user: '~zen', host: 'localhost' };
const cloak61 = `${'c'.repeat(50)}.cloak.test`; // 61 bytes
/** Size of the line as the server relays it: prefix + line + CRLF. */
const relayed = (line: string, id: WireIdentity): number => prefixBytes(id) + bytes(line) + 2;

describe('prefixBytes', () => {
  it('measures ":nick!user@host " and assumes 11 and 63 bytes for an unknown user and host', () => {
    expect(prefixBytes(me)).toBe(bytes(':zen!~zen@localhost '));
    expect(prefixBytes({ nick: 'zen' })).toBe(1 + 3 + 1 + 11 + 1 + 63 + 1);
    expect(prefixBytes({ nick: 'zen', user: '~zen', host: cloak61 })).toBe(1 + 3 + 1 + 4 + 1 + 61 + 1);
  });
});

describe('truncateUtf8', () => {
  it('never cuts a code point', () => {
    expect(truncateUtf8('aé', 2)).toBe('a');
    expect(truncateUtf8('a😀b', 4)).toBe('a');
    expect(truncateUtf8('abc', 5)).toBe('abc');
  });
});

describe('fitOutgoingLine', () => {
  it('passes an ordinary line through unchanged', () => {
    expect(fitOutgoingLine('PRIVMSG #c :hello', me)).toEqual({ lines: ['PRIVMSG #c :hello'], fixes: [] });
    expect(fitOutgoingLine('JOIN #a,#b', me)).toEqual({ lines: ['JOIN #a,#b'], fixes: [] });
  });

  it('drops a line with CR, LF or NUL before the trailing parameter (command injection)', () => {
    for (const line of ['PRIVMSG #c\r\nQUIT :x', 'JOIN #a\0', 'NICK a\nb']) {
      const fitted = fitOutgoingLine(line, me);
      expect(fitted.lines).toEqual([]);
      expect(fitted.fixes).toEqual(['dropped']);
      expect(fitted.dropReason).toMatch(/CR, LF or NUL/);
    }
  });

  it('turns CR/NUL in a CTCP reply into spaces: one line, no injected QUIT', () => {
    const fitted = fitOutgoingLine('NOTICE alice :\x01PING 1\rQUIT :injected\x01', me);
    expect(fitted.lines).toEqual(['NOTICE alice :\x01PING 1 QUIT :injected\x01']);
    expect(fitted.fixes).toContain('sanitized');
  });

  it('splits a PRIVMSG text at its line breaks', () => {
    expect(fitOutgoingLine('PRIVMSG #c :one\r\ntwo', me).lines).toEqual(['PRIVMSG #c :one', 'PRIVMSG #c :two']);
  });

  it('re-splits a queued PRIVMSG that no longer fits after the host grew to a 61-byte cloak', () => {
    const old: WireIdentity = { nick: 'zen', user: '~zen', host: 'h' };
    const text = 'x'.repeat(512 - 2 - prefixBytes(old) - bytes('PRIVMSG #c :'));
    const line = `PRIVMSG #c :${text}`;
    expect(relayed(line, old)).toBe(512);
    const now = { ...old, host: cloak61 };
    const fitted = fitOutgoingLine(line, now);
    expect(fitted.fixes).toContain('split');
    expect(fitted.lines.length).toBe(2);
    for (const l of fitted.lines) expect(relayed(l, now)).toBeLessThanOrEqual(512);
    expect(fitted.lines.map((l) => l.slice('PRIVMSG #c :'.length)).join('')).toBe(text);
  });

  it('keeps the ACTION wrapper on every piece of a re-split action', () => {
    const fitted = fitOutgoingLine(`PRIVMSG #c :\x01ACTION ${'word '.repeat(120)}\x01`, me);
    expect(fitted.lines.length).toBeGreaterThan(1);
    for (const l of fitted.lines) {
      expect(l).toMatch(/^PRIVMSG #c :\x01ACTION [^\x01]+\x01$/);
      expect(relayed(l, me)).toBeLessThanOrEqual(512);
    }
  });

  it('truncates a 10,000-byte CTCP reply to one line, wrapper kept', () => {
    const fitted = fitOutgoingLine(`NOTICE alice :\x01PING ${'9'.repeat(10_000)}\x01`, me);
    expect(fitted.lines).toHaveLength(1);
    expect(fitted.fixes).toEqual(['truncated']);
    expect(fitted.lines[0]).toMatch(/^NOTICE alice :\x01PING 9+\x01$/);
    expect(relayed(fitted.lines[0] as string, me)).toBe(512);
  });

  it('truncates a raw TOPIC of 502 bytes so that it stays within 512 bytes as relayed', () => {
    const line = `TOPIC #c :${'t'.repeat(502 - bytes('TOPIC #c :'))}`;
    expect(bytes(line)).toBe(502);
    const fitted = fitOutgoingLine(line, me);
    expect(fitted.fixes).toEqual(['truncated']);
    expect(relayed(fitted.lines[0] as string, me)).toBe(512);
  });

  it('does not count the prefix for lines a server never relays (PONG, USER, CAP)', () => {
    const token = 'p'.repeat(500);
    expect(fitOutgoingLine(`PONG :${token}`, me).lines).toEqual([`PONG :${token}`]);
  });

  it('does not count the prefix for a JOIN (the server relays one JOIN per channel)', () => {
    const line = `JOIN ${'#a,'.repeat(163)}#a`;
    expect(relayed(line, me)).toBeGreaterThan(512);
    expect(fitOutgoingLine(line, me).lines).toEqual([line]);
  });

  it('drops an over-long line without a trailing parameter', () => {
    const fitted = fitOutgoingLine(`JOIN ${'#a,'.repeat(200)}`, me);
    expect(fitted.lines).toEqual([]);
    expect(fitted.dropReason).toMatch(/at most 512/);
  });

  it('leaves client tags out of the 512 bytes', () => {
    const tags = `@+draft/label=${'l'.repeat(300)}`;
    const text = 'x'.repeat(400);
    expect(fitOutgoingLine(`${tags} PRIVMSG #c :${text}`, me).lines).toEqual([`${tags} PRIVMSG #c :${text}`]);
  });

  it('never writes more than one line per output, nor more than 512 bytes as relayed (property)', () => {
    const unit = fc.constantFrom('a', ' ', ':', '\r', '\n', '\0', '\x01', 'é', '😀', '#');
    const identity = fc.record({
      nick: fc.string({ minLength: 1, maxLength: 30, unit: fc.constantFrom('a', 'b', '_') }),
      user: fc.option(fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('u', '~') }), { nil: undefined }),
      host: fc.option(fc.string({ minLength: 1, maxLength: 80, unit: fc.constantFrom('h', '.') }), { nil: undefined }),
    });
    const command = fc.constantFrom('PRIVMSG #c :', 'NOTICE bob :', 'PRIVMSG #c :\x01ACTION ', 'NOTICE bob :\x01PING ', 'TOPIC #c :', 'PART #c :', 'PONG :', 'JOIN ', 'QUIT :');
    fc.assert(
      fc.property(command, fc.string({ unit, maxLength: 1200, size: 'large' }), identity, (head, tail, id) => {
        const fitted = fitOutgoingLine(head + tail, id);
        const isRelayed = !/^(PONG|JOIN) /.test(head);
        for (const l of fitted.lines) {
          expect(l).not.toMatch(/[\r\n\0]/);
          expect(isRelayed ? relayed(l, id) : bytes(l) + 2).toBeLessThanOrEqual(512);
        }
        if (fitted.lines.length === 0) expect(fitted.fixes).toContain('dropped');
      }),
      { numRuns: 500 },
    );
  });
});
