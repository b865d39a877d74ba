import { parseIrcLine } from '../delivery/ircLine';
import { standardReply, standardReplyError } from './standardReplies';

const reply = (raw: string) => standardReply(parseIrcLine(raw) ?? { tags: {}, source: undefined, command: '', params: [] });

describe('standard replies', () => {
  it('reads FAIL, WARN and NOTE with their context', () => {
    expect(reply(':irc.test FAIL PRIVMSG INVALID_TARGET #x :No such target')).toEqual({
      kind: 'FAIL',
      command: 'PRIVMSG',
      code: 'INVALID_TARGET',
      context: ['#x'],
      description: 'No such target',
    });
    expect(reply(':irc.test WARN * ACCOUNT_REQUIRED :Log in for full access')).toMatchObject({ kind: 'WARN', command: '*', context: [] });
    expect(reply(':irc.test NOTE CHATHISTORY SLOW :Busy')).toMatchObject({ kind: 'NOTE', code: 'SLOW' });
  });

  it('ignores other lines and short ones', () => {
    expect(reply(':irc.test FAIL PRIVMSG')).toBeUndefined();
    expect(reply(':irc.test 401 zenbot x :No such nick')).toBeUndefined();
  });

  it('becomes an error event code and reason', () => {
    const parsed = reply(':irc.test FAIL PRIVMSG INVALID_TARGET #x :No such target');
    expect(parsed && standardReplyError(parsed)).toEqual({ code: 'irc_fail', reason: 'PRIVMSG INVALID_TARGET (#x): No such target' });
  });
});
