import { noticeOutcome } from './noticeOutcome';
import type { Refusal } from './refusals';

const noSuchNick: Refusal = { target: 'ghost', code: 'no_such_nick', numeric: '401', command: undefined, reason: 'No such nick or channel name' };
const cannotSend: Refusal = { target: '#locked', code: 'cannot_send_to_channel', numeric: '404', command: undefined, reason: 'Cannot send to channel' };

describe('noticeOutcome', () => {
  it('is sent when every target accepted it, with each target listed', () => {
    expect(noticeOutcome([{ target: '#ops', refusal: undefined }, { target: 'alice', refusal: undefined }])).toEqual({
      state: 'sent',
      targets: [
        { target: '#ops', state: 'sent' },
        { target: 'alice', state: 'sent' },
      ],
    });
  });

  it("is rejected with the server's reason and the target when one target refused it", () => {
    const outcome = noticeOutcome([{ target: '#ops', refusal: undefined }, { target: 'ghost', refusal: noSuchNick }]);
    expect(outcome.state).toBe('rejected');
    expect(outcome.code).toBe('no_such_nick');
    expect(outcome.reason).toBe('the IRC server refused it for ghost: No such nick or channel name (401); sent to #ops');
    expect(outcome.targets).toEqual([
      { target: '#ops', state: 'sent' },
      { target: 'ghost', state: 'rejected', code: 'no_such_nick', reason: 'No such nick or channel name', numeric: '401' },
    ]);
  });

  it('says `refused` when targets were refused for different reasons', () => {
    const outcome = noticeOutcome([{ target: 'ghost', refusal: noSuchNick }, { target: '#locked', refusal: cannotSend }]);
    expect(outcome).toMatchObject({ state: 'rejected', code: 'refused' });
    expect(outcome.reason).toContain('ghost: No such nick or channel name (401); #locked: Cannot send to channel (404)');
  });
});
