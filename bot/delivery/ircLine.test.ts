import fc from 'fast-check';
import { escapeTagValue, lineCommand, outgoingCommand, parseIrcLine, unescapeTagValue } from './ircLine';

describe('parseIrcLine', () => {
  it('reads tags, source, command and parameters', () => {
    expect(parseIrcLine('@label=zr1;msgid=a\\sb;+draft/reply=x :nick!user@host privmsg #chan :hello there')).toEqual({
      tags: Object.assign(Object.create(null), { label: 'zr1', msgid: 'a b', '+draft/reply': 'x' }),
      source: 'nick',
      command: 'PRIVMSG',
      params: ['#chan', 'hello there'],
    });
    expect(parseIrcLine(':irc.test 401 zenbot ghost :No such nick')?.params).toEqual(['zenbot', 'ghost', 'No such nick']);
    expect(parseIrcLine('PING')).toMatchObject({ command: 'PING', params: [] });
    expect(parseIrcLine('')).toBeUndefined();
    expect(parseIrcLine('@a=b')).toBeUndefined();
  });

  it('keeps tag names like __proto__ as plain data', () => {
    const line = parseIrcLine('@__proto__=x;constructor PRIVMSG #a :b');
    expect(line?.tags.__proto__).toBe('x');
    expect(line?.tags.constructor).toBe('');
    expect(Object.getPrototypeOf(line?.tags)).toBeNull();
  });

  it('tag values survive escaping and parsing', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(unescapeTagValue(escapeTagValue(value))).toBe(value);
        expect(parseIrcLine(`@t=${escapeTagValue(value)} PING :x`)?.tags.t).toBe(value);
      }),
    );
  });

  it('never throws, whatever the line', () => {
    fc.assert(fc.property(fc.string(), (raw) => void parseIrcLine(raw)));
  });
});

describe('outgoingCommand', () => {
  it('gives the command and the first parameter', () => {
    expect(outgoingCommand('PRIVMSG #a :hi there')).toEqual({ command: 'PRIVMSG', target: '#a' });
    expect(outgoingCommand('PING :zenrelay-1-2')).toEqual({ command: 'PING', target: 'zenrelay-1-2' });
    expect(outgoingCommand('JOIN #a,#b')).toEqual({ command: 'JOIN', target: '#a,#b' });
  });
});

describe('lineCommand', () => {
  it('reads the command past tags and source, upper-cased', () => {
    expect(lineCommand('@label=zr1;msgid=a :nick!user@host privmsg #chan :hello')).toBe('PRIVMSG');
    expect(lineCommand(':irc.test 433 * zenbot :Nickname is already in use')).toBe('433');
    expect(lineCommand('  PING :x')).toBe('PING');
    expect(lineCommand('@a=b')).toBe('');
    expect(lineCommand(':only.a.source')).toBe('');
    expect(lineCommand('')).toBe('');
  });

  it('always finds the command parseIrcLine finds (property)', () => {
    const piece = fc.constantFrom('@', ':', ' ', '  ', 'a=b', ';', 'PRIVMSG', 'fail', '433', 'nick!u@h', '#c', 'x', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const raw = pieces.join('');
        expect(lineCommand(raw)).toBe(parseIrcLine(raw)?.command ?? '');
      }),
      { numRuns: 3000 },
    );
  });
});
