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
