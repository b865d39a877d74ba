import { directedMessage } from './directed';

const inChannel = { botNick: 'zenbot', commandPrefix: '!', isPrivate: false };

describe('directedMessage', () => {
  it('strips the nick address with a colon or a comma, any case', () => {
    expect(directedMessage('zenbot: ping', inChannel)).toBe('ping');
    expect(directedMessage('zenbot, ping', inChannel)).toBe('ping');
    expect(directedMessage('ZenBot:ping', inChannel)).toBe('ping');
  });

  it('strips the command prefix, as ZenIRCBot services expect', () => {
    expect(directedMessage('!ping', inChannel)).toBe('ping');
    expect(directedMessage('!woot now', inChannel)).toBe('woot now');
    expect(directedMessage('?ping', { ...inChannel, commandPrefix: '?' })).toBe('ping');
  });

  it('takes every private message, less a leading prefix', () => {
    expect(directedMessage('hello there', { ...inChannel, isPrivate: true })).toBe('hello there');
    expect(directedMessage('!woot', { ...inChannel, isPrivate: true })).toBe('woot');
  });

  it('ignores plain channel talk and near misses', () => {
    expect(directedMessage('hello', inChannel)).toBeUndefined();
    expect(directedMessage('zenbotty: hi', inChannel)).toBeUndefined();
    expect(directedMessage('zenbot ping', inChannel)).toBeUndefined();
    expect(directedMessage('say !ping', inChannel)).toBeUndefined();
  });

  it('ignores an address with nothing after it', () => {
    expect(directedMessage('!', inChannel)).toBeUndefined();
    expect(directedMessage('zenbot:   ', inChannel)).toBeUndefined();
  });
});
