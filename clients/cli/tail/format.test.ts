import { formatPayload, jsonLine } from './format';
import { INHERITED_NAMES } from '@zenrelay/protocol';
import { createStyle, visible } from './style';

const plain = createStyle(false);
const at = new Date(2024, 0, 1, 9, 5, 7);
const line = (source: 'in' | 'out' | 'errors', value: unknown) =>
  formatPayload(source, typeof value === 'string' ? value : JSON.stringify(value), plain, at);

describe('tail lines', () => {
  it('show a channel message with time, source, type, channel and sender', () => {
    expect(line('in', { version: 1, type: 'privmsg', data: { sender: 'alice', channel: '#test', message: 'hello' } })).toBe(
      '09:05:07 in  privmsg          #test <alice> hello',
    );
  });

  it('mark private messages and show what a directed message was said as', () => {
    expect(line('in', { version: 1, type: 'directed_privmsg', data: { sender: 'alice', channel: 'alice', message: 'woot', raw_message: '!woot' } })).toBe(
      '09:05:07 in  directed_privmsg [private alice] <alice> woot (said: !woot)',
    );
  });

  it('describe every in type in words', () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'privmsg_action', data: { sender: 'a', channel: '#c', message: 'waves' } }, '#c * a waves'],
      [{ type: 'notice', data: { sender: 'a', channel: '#c', message: 'hm' } }, '#c -a- hm'],
      [{ type: 'join', data: { sender: 'a', channel: '#c' } }, '#c a joined'],
      [{ type: 'part', data: { sender: 'a', channel: '#c', reason: 'bye' } }, '#c a left (bye)'],
      [{ type: 'quit', data: { sender: 'a', reason: '' } }, 'a quit'],
      [{ type: 'kick', data: { sender: 'op', channel: '#c', kicked: 't', reason: 'x' } }, '#c op kicked t (x)'],
      [{ type: 'nick', data: { old: 'a', new: 'b' } }, 'a is now b'],
      [{ type: 'topic', data: { sender: 'a', channel: '#c', topic: 'T' } }, '#c topic by a: T'],
      [{ type: 'names', data: { channel: '#c', nicks: { zen: '@', a: '' } } }, '#c @zen a'],
      [{ type: 'connected', data: { server: 'irc', channels: ['#c'], nick: 'zen' } }, 'to irc as zen in #c'],
    ];
    for (const [event, text] of cases) {
      expect(line('in', { version: 1, ...(event as object) })).toMatch(new RegExp(`${text.replace(/[()*]/g, '\\$&')}$`));
    }
  });

  it('show out commands with their targets, and raw lines', () => {
    expect(line('out', { version: 1, type: 'privmsg', data: { to: ['#a', 'bob'], message: 'hi', id: 'n1' } })).toBe(
      '09:05:07 out privmsg          → #a, bob: hi [id n1]',
    );
    expect(line('out', { version: 1, type: 'notice', data: { to: '#a', message: 'hm' } })).toMatch(/→ #a \(notice\): hm$/);
    expect(line('out', { version: 1, type: 'raw', command: 'JOIN #x' })).toMatch(/raw +raw JOIN #x$/);
  });

  it('show errors with code, reason and origin', () => {
    expect(line('errors', { version: 1, type: 'error', data: { code: 'bad_target', reason: 'no', source: 'out', input: '{}' } })).toBe(
      '09:05:07 err error            bad_target: no (from out) {}',
    );
  });

  it('show invalid payloads with the reason instead of failing', () => {
    expect(line('in', 'not json{')).toBe('09:05:07 in  INVALID          not JSON: not json{');
    expect(line('in', { version: 1, type: 'join', data: { sender: 'bob' } })).toMatch(/INVALID join +data\.channel .*"sender":"bob"/);
    expect(line('out', { version: 2, type: 'privmsg', data: {} })).toMatch(/INVALID privmsg +version 2 is not 1/);
    expect(line('in', '[1,2]')).toMatch(/INVALID \? +not an envelope object/);
  });

  it('show unknown types as their data', () => {
    expect(line('in', { version: 1, type: 'future', data: { x: 1 } })).toBe('09:05:07 in  future           {"x":1}');
  });

  it('never pass control characters from IRC to the terminal', () => {
    const text = line('in', { version: 1, type: 'privmsg', data: { sender: 'a', channel: '#c', message: 'x\x1b[2Jy\r\nz' } });
    expect(text).not.toMatch(/[\x00-\x1f]/);
    expect(text).toContain('x\\x1b[2Jy\\r\\nz');
  });

  it('colour only when asked', () => {
    const coloured = formatPayload('in', JSON.stringify({ version: 1, type: 'join', data: { sender: 'a', channel: '#c' } }), createStyle(true), at);
    expect(coloured).toContain('\x1b[');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe('09:05:07 in  join             #c a joined');
  });
});

describe('jsonLine', () => {
  it('marks where each payload came from', () => {
    expect(jsonLine('in', 'in', '{"a": 1}')).toBe('{"source":"in","channel":"in","payload":{"a":1}}');
    expect(jsonLine('out', 'net1:out', '"hi"')).toBe('{"source":"out","channel":"net1:out","payload":"hi"}');
    expect(jsonLine('errors', 'zenrelay:errors', 'garbage')).toBe('{"source":"errors","channel":"zenrelay:errors","raw":"garbage"}');
  });

  it('keeps every payload on one line', () => {
    expect(jsonLine('in', 'in', '{\n "a": 1\n}')).toBe('{"source":"in","channel":"in","payload":{"a":1}}');
    expect(jsonLine('out', 'out', 'bad\r\npayload')).toBe('{"source":"out","channel":"out","raw":"bad\\r\\npayload"}');
  });
});

describe('visible', () => {
  it('writes out control characters and leaves other text alone', () => {
    expect(visible('a\tb\x00c\x7fé✓')).toBe('a\\tb\\x00c\\x7fé✓');
  });
});

describe('tail lines and names inherited from Object', () => {
  it.each(INHERITED_NAMES)('show type %s as an unknown type on in, out and errors', (type) => {
    for (const source of ['in', 'out', 'errors'] as const) {
      const shown = line(source, { version: 1, type, data: { channel: '#c', to: '#c', message: 'x' } });
      expect(shown).toContain(type);
      expect(shown).toContain('{"channel":"#c"');
    }
  });
});
