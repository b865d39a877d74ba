import { sayPayload, SendError } from './send';

describe('sayPayload', () => {
  it('carries reply_to, the msgid answered, when given', () => {
    expect(JSON.parse(sayPayload('privmsg', '#c', 'hi', undefined, 'msg-1')).data).toEqual({ to: '#c', message: 'hi', reply_to: 'msg-1' });
    expect(JSON.parse(sayPayload('privmsg', '#c', 'hi', undefined, '')).data).toEqual({ to: '#c', message: 'hi' });
  });

  it("builds ZenIRCBot's envelope", () => {
    expect(JSON.parse(sayPayload('privmsg', '#c', 'hi'))).toEqual({ version: 1, type: 'privmsg', data: { to: '#c', message: 'hi' } });
    expect(JSON.parse(sayPayload('notice', ['#a', 'bob'], 'x', 'id-1'))).toEqual({
      version: 1,
      type: 'notice',
      data: { to: ['#a', 'bob'], message: 'x', id: 'id-1' },
    });
  });

  it('refuses what the bot would refuse, with its reason and code', () => {
    const attempt = (fn: () => unknown): SendError => {
      try {
        fn();
      } catch (err) {
        if (err instanceof SendError) return err;
        throw err;
      }
      throw new Error('expected a SendError');
    };
    expect(attempt(() => sayPayload('privmsg', '#a b', 'x'))).toMatchObject({ code: 'bad_target', message: expect.stringMatching(/neither a channel/) });
    expect(attempt(() => sayPayload('privmsg', 'bob\r\nQUIT', 'x')).code).toBe('bad_target');
    expect(attempt(() => sayPayload('privmsg', '#a', '\n')).code).toBe('empty_message');
    expect(attempt(() => sayPayload('privmsg', [], 'x')).code).toBe('invalid_field');
    expect(attempt(() => sayPayload('privmsg', '#a', 'x'.repeat(20000))).code).toBe('too_large');
  });
});
