import { parseOutbound } from '@zenrelay/protocol';
import { commandLines, REPLY_TAG } from './commandLines';

const command = (data: Record<string, unknown>) => {
  const parsed = parseOutbound(JSON.stringify({ version: 1, type: 'privmsg', data }));
  if (!parsed.ok) throw new Error(parsed.rejection.reason);
  return parsed.command;
};
const context = { identity: { nick: 'zenbot' }, rawAllow: [] };

describe('commandLines reply threading', () => {
  it('tags every line of a reply with +draft/reply where the server allows it, escaping the msgid', () => {
    const result = commandLines(command({ to: ['#a', 'bob'], message: 'one\ntwo', reply_to: 'abc;d e' }), { ...context, replyTag: true });
    expect(result).toEqual({
      ok: true,
      lines: [
        { key: '#a', line: `@${REPLY_TAG}=abc\\:d\\se PRIVMSG #a :one` },
        { key: '#a', line: `@${REPLY_TAG}=abc\\:d\\se PRIVMSG #a :two` },
        { key: 'bob', line: `@${REPLY_TAG}=abc\\:d\\se PRIVMSG bob :one` },
        { key: 'bob', line: `@${REPLY_TAG}=abc\\:d\\se PRIVMSG bob :two` },
      ],
    });
  });

  it('sends plain lines where client tags are not allowed, or without reply_to', () => {
    expect(commandLines(command({ to: '#a', message: 'x', reply_to: 'abc' }), context)).toEqual({ ok: true, lines: [{ key: '#a', line: 'PRIVMSG #a :x' }] });
    expect(commandLines(command({ to: '#a', message: 'x' }), { ...context, replyTag: true })).toEqual({ ok: true, lines: [{ key: '#a', line: 'PRIVMSG #a :x' }] });
  });

  it('refuses an empty or oversized reply_to like any bad field', () => {
    for (const replyTo of ['', 'x'.repeat(257), 42]) {
      const parsed = parseOutbound(JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#a', message: 'x', reply_to: replyTo } }));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.rejection).toMatchObject({ code: 'invalid_field' });
    }
  });
});

describe('commandLines with draft/multiline', () => {
  const typed = (type: string, data: Record<string, unknown>) => {
    const parsed = parseOutbound(JSON.stringify({ version: 1, type, data }));
    if (!parsed.ok) throw new Error(parsed.rejection.reason);
    return parsed.command;
  };
  let n = 0;
  const multi = { ...context, multiline: { maxBytes: 4096, maxLines: 24 }, batchRef: () => `b${++n}` };
  const wire = (result: ReturnType<typeof commandLines>) => (result.ok ? result.lines.map((l) => l.line) : result.rejection.reason);
  beforeEach(() => (n = 0));

  it('sends a text of several lines as one batch per target, the reply tag on the opener', () => {
    expect(wire(commandLines(command({ to: ['#a', 'bob'], message: 'one\ntwo', reply_to: 'm1' }), { ...multi, replyTag: true }))).toEqual([
      `@${REPLY_TAG}=m1 BATCH +b1 draft/multiline #a`,
      '@batch=b1 PRIVMSG #a :one',
      '@batch=b1 PRIVMSG #a :two',
      'BATCH -b1',
      `@${REPLY_TAG}=m1 BATCH +b2 draft/multiline bob`,
      '@batch=b2 PRIVMSG bob :one',
      '@batch=b2 PRIVMSG bob :two',
      'BATCH -b2',
    ]);
  });

  it('marks the pieces of a line too long for one IRC line with draft/multiline-concat', () => {
    const long = `${'x'.repeat(300)} ${'y'.repeat(300)}`;
    const lines = wire(commandLines(typed('notice', { to: '#a', message: `head\n${long}` }), multi)) as string[];
    expect(lines[0]).toBe('BATCH +b1 draft/multiline #a');
    expect(lines[1]).toBe('@batch=b1 NOTICE #a :head');
    expect(lines[2]).toMatch(/^@batch=b1 NOTICE #a :x+ $/);
    expect(lines.slice(3, -1).every((l) => l.startsWith('@batch=b1;draft/multiline-concat NOTICE #a :'))).toBe(true);
    expect(lines.slice(2, -1).map((l) => l.slice(l.indexOf(' :') + 2)).join('')).toBe(long);
    expect(lines[lines.length - 1]).toBe('BATCH -b1');
  });

  it('keeps split lines for one line of text, an action, or a server without the cap', () => {
    expect(wire(commandLines(command({ to: '#a', message: 'just one line' }), multi))).toEqual(['PRIVMSG #a :just one line']);
    expect(wire(commandLines(typed('privmsg_action', { to: '#a', message: 'a\nb' }), multi))).toEqual(['PRIVMSG #a :\x01ACTION a\x01', 'PRIVMSG #a :\x01ACTION b\x01']);
    expect(wire(commandLines(command({ to: '#a', message: 'a\nb' }), context))).toEqual(['PRIVMSG #a :a', 'PRIVMSG #a :b']);
  });

  it('respects max-lines: more lines go in further batches, a batch of one as a plain line', () => {
    expect(wire(commandLines(command({ to: '#a', message: 'a\nb\nc' }), { ...multi, multiline: { maxBytes: 4096, maxLines: 2 } }))).toEqual([
      'BATCH +b1 draft/multiline #a',
      '@batch=b1 PRIVMSG #a :a',
      '@batch=b1 PRIVMSG #a :b',
      'BATCH -b1',
      'PRIVMSG #a :c',
    ]);
  });

  it('skips the rest of a batch whose opener went out on an earlier connection', () => {
    let connection = 1;
    const result = commandLines(command({ to: '#a', message: 'a\nb' }), { ...multi, connection: () => connection });
    if (!result.ok) throw new Error('refused');
    const [opener, first, , closer] = result.lines;
    expect(first.skipIf?.()).toBe(false); // opener not written yet
    opener.onWritten?.();
    expect(first.skipIf?.()).toBe(false);
    connection = 2;
    expect(first.skipIf?.()).toBe(true);
    expect(closer.skipIf?.()).toBe(true);
  });
});
