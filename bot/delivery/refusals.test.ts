import { parseIrcLine } from './ircLine';
import { REFUSAL_NUMERICS, refusalOf } from './refusals';

const refusal = (raw: string) => {
  const line = parseIrcLine(raw);
  if (!line) throw new Error('unparsable');
  return refusalOf(line);
};

describe('refusalOf', () => {
  it('reads the target and reason of every refusing numeric', () => {
    for (const [numeric, code] of REFUSAL_NUMERICS) {
      expect(refusal(`:irc.test ${numeric} zenbot #chan :Some reason`)).toEqual({ target: '#chan', code, numeric, command: undefined, reason: 'Some reason' });
    }
  });

  it('covers the numerics the issue names', () => {
    for (const n of ['401', '403', '404', '406', '442', '471', '472', '473', '474', '475', '476', '477', '482', '489']) expect(REFUSAL_NUMERICS.has(n)).toBe(true);
  });

  it('reads FAIL standard replies, with or without context', () => {
    expect(refusal(':irc.test FAIL PRIVMSG INVALID_TARGET #x :No such target')).toEqual({
      target: '#x',
      code: 'fail_invalid_target',
      numeric: 'FAIL',
      command: 'PRIVMSG',
      reason: 'No such target',
    });
    expect(refusal(':irc.test FAIL * RATE_LIMITED :Slow down')).toMatchObject({ target: undefined, command: '*', code: 'fail_rate_limited' });
  });

  it('ignores other lines and malformed numerics', () => {
    expect(refusal(':irc.test 001 zenbot :Welcome')).toBeUndefined();
    expect(refusal(':irc.test 401')).toBeUndefined();
    expect(refusal(':irc.test PONG irc.test :x')).toBeUndefined();
    expect(refusal(':irc.test FAIL PRIVMSG')).toBeUndefined();
  });
});
