import { loadBotConfig, loadBusConfig } from './config';
import { ConfigError } from '@zenrelay/runtime';

const base = { IRC_HOST: 'irc.example.org' };

function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadBotConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadBotConfig', () => {
  it('has safe defaults for a public network and ZenIRCBot names', () => {
    const config = loadBotConfig(base);
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      ircPort: 6667,
      ircTls: false,
      sendBurst: 4,
      sendRate: 1,
      namespace: '',
      rawAllow: ['JOIN', 'PART', 'NAMES', 'TOPIC'],
      ircChannels: [],
      directed: true,
      commandPrefix: '!',
    });
  });

  it('reads every kind of value', () => {
    const config = loadBotConfig({
      ...base,
      REDIS_URL: 'rediss://user:pw@redis.example:6380/2',
      IRC_PORT: '6697',
      IRC_TLS: 'true',
      IRC_CHANNELS: '#a, #b,,',
      IRC_SEND_RATE: '0.5',
      IRC_SEND_BURST: '10',
      ZEN_NAMESPACE: 'net1',
      ZEN_RAW_ALLOW: 'join,mode',
      IRC_SASL_ACCOUNT: 'acct',
      IRC_SASL_PASSWORD: 'secret',
    });
    expect(config).toMatchObject({ ircPort: 6697, ircTls: true, ircChannels: ['#a', '#b'], sendRate: 0.5, sendBurst: 10, namespace: 'net1', rawAllow: ['JOIN', 'MODE'], saslAccount: 'acct' });
  });

  it.each([
    [{}, 'IRC_HOST'],
    [{ ...base, IRC_PORT: 'abc' }, 'IRC_PORT'],
    [{ ...base, IRC_PORT: '70000' }, 'IRC_PORT'],
    [{ ...base, IRC_TLS: 'maybe' }, 'IRC_TLS'],
    [{ ...base, REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ ...base, REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ ...base, IRC_CHANNELS: '#ok,nochan' }, 'IRC_CHANNELS'],
    [{ ...base, IRC_NICK: '9lives' }, 'IRC_NICK'],
    [{ ...base, IRC_SEND_RATE: '-1' }, 'IRC_SEND_RATE'],
    [{ ...base, IRC_SEND_BURST: '0' }, 'IRC_SEND_BURST'],
    [{ ...base, ZEN_NAMESPACE: 'has space' }, 'ZEN_NAMESPACE'],
    [{ ...base, ZEN_RAW_ALLOW: 'JOIN,PRIV MSG' }, 'ZEN_RAW_ALLOW'],
    [{ ...base, IRC_SASL_ACCOUNT: 'only-account' }, 'IRC_SASL_PASSWORD'],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('names the bad variable (%o → %s)', (env, variable) => {
    const err = errorFor(env as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(variable)).toBe(true);
  });
});

it.each([
  [{ IRC_SEND_RATE: '-1' }, 'IRC_SEND_RATE must be 0 or more (at most 10000), got -1'],
  [{ IRC_SEND_RATE: 'fast' }, 'IRC_SEND_RATE must be a number from 0 to 10000 (like 0.5), got "fast"'],
  [{ IRC_PORT: '70000' }, 'IRC_PORT must be 65535 or less (at least 1), got 70000'],
  [{ IRC_SEND_BURST: '1.5' }, 'IRC_SEND_BURST must be a whole number from 1 to 1000, got "1.5"'],
])('a bad number says what is allowed (%o)', (env, message) => {
  expect(errorFor({ IRC_HOST: 'irc.example.org', ...env }).message).toBe(message);
});

describe('loadBusConfig', () => {
  it('needs no IRC settings', () => {
    expect(loadBusConfig({ ZEN_NAMESPACE: 'x' })).toEqual({ redisUrl: 'redis://127.0.0.1:6379', namespace: 'x' });
  });
});
