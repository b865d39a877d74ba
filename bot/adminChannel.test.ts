import { adminChannel, loadBotConfig } from './config';

const base = { IRC_HOST: 'irc.example.org' };

describe('ZEN_ADMIN_CHANNEL (zenircbot:admin_spew_channels)', () => {
  it('defaults to the first configured channel, and to nothing without channels', () => {
    expect(adminChannel(loadBotConfig({ ...base, IRC_CHANNELS: '#zen,#ops' }))).toBe('#zen');
    expect(adminChannel(loadBotConfig(base))).toBe('');
  });

  it('takes one channel or nick', () => {
    expect(adminChannel(loadBotConfig({ ...base, IRC_CHANNELS: '#zen', ZEN_ADMIN_CHANNEL: '#ops' }))).toBe('#ops');
    expect(adminChannel(loadBotConfig({ ...base, ZEN_ADMIN_CHANNEL: 'alice' }))).toBe('alice');
  });

  it.each(['#a,#b', '#a b', 'not a nick!'])('refuses %j, naming the variable', (value) => {
    expect(() => loadBotConfig({ ...base, ZEN_ADMIN_CHANNEL: value })).toThrow(/^ZEN_ADMIN_CHANNEL must be one channel or nick/);
  });
});
