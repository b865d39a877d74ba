import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBotConfig, loadBusConfig, saslSettings } from './config';
import { chooseMechanism } from './irc/sasl';
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
    [{ ...base, IRC_TLS: 'true', IRC_TLS_CA: '/nonexistent/ca.pem' }, 'IRC_TLS_CA'],
    [{ ...base, IRC_TLS: 'true', IRC_TLS_CERT: __filename }, 'IRC_TLS_KEY'],
    [{ ...base, IRC_TLS_CERT: __filename, IRC_TLS_KEY: __filename }, 'IRC_TLS_CERT'],
    [{ ...base, IRC_SASL_MECHANISM: 'EXTERNAL' }, 'IRC_SASL_MECHANISM'],
    [{ ...base, IRC_SASL_MECHANISM: 'PLAIN' }, 'IRC_SASL_MECHANISM'],
    [{ ...base, IRC_SASL_MECHANISM: 'SCRAM-SHA-256' }, 'IRC_SASL_MECHANISM'],
    [{ ...base, IRC_SASL_REQUIRED: 'true' }, 'IRC_SASL_REQUIRED'],
    [{ ...base, IRC_NICKSERV_IDENTIFY: 'IDENTIFY {account} {password}' }, 'IRC_NICKSERV_IDENTIFY'],
    [{ ...base, IRC_NICKSERV_NICK: 'Nick Serv' }, 'IRC_NICKSERV_NICK'],
  ])('names the bad variable (%o → %s)', (env, variable) => {
    const err = errorFor(env as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(variable)).toBe(true);
  });
});

describe('TLS and SASL settings', () => {
  const base = { IRC_HOST: 'irc.example.org' };
  it('chooses EXTERNAL with a client certificate and no password, PLAIN with an account', () => {
    const cert = loadBotConfig({ ...base, IRC_TLS: 'true', IRC_TLS_CERT: __filename, IRC_TLS_KEY: __filename, IRC_SASL_REQUIRED: 'true' });
    expect(cert).toMatchObject({ ircTlsCert: __filename, ircTlsKey: __filename, saslRequired: true });
    expect(loadBotConfig({ ...base, IRC_NICKSERV_PASSWORD: 'x', IRC_SASL_REQUIRED: 'true' })).toMatchObject({ nickservPassword: 'x', nickservNick: 'NickServ', nickservIdentify: 'IDENTIFY {nick} {password}', nickservRegain: 'GHOST {nick} {password}' });
    expect(loadBotConfig({ ...base, IRC_NICKSERV_REGAIN: 'none' }).nickservRegain).toBe('');
    expect(chooseMechanism(saslSettings(cert))).toBe('EXTERNAL');
    expect(chooseMechanism(saslSettings(loadBotConfig({ ...base, IRC_TLS: 'true', IRC_TLS_CERT: __filename, IRC_TLS_KEY: __filename, IRC_SASL_ACCOUNT: 'a', IRC_SASL_PASSWORD: 'p' })))).toBe('PLAIN');
  });

  it('says what is missing when the CA file cannot be read', () => {
    expect(errorFor({ ...base, IRC_TLS: 'true', IRC_TLS_CA: '/nonexistent/ca.pem' }).message).toMatch(/^IRC_TLS_CA cannot read "\/nonexistent\/ca.pem" .*give the path of a PEM file the bot can read/);
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
    expect(loadBusConfig({ ZEN_NAMESPACE: 'x' })).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', namespace: 'x', redis: { kind: 'single', url: 'redis://127.0.0.1:6379' } });
  });
});

describe('where Redis is: REDIS_URL, Sentinel or Cluster', () => {
  it('uses REDIS_URL when neither Sentinel nor Cluster is set', () => {
    expect(loadBusConfig({ REDIS_URL: 'rediss://:pw@r:6380/2' }).redis).toEqual({ kind: 'single', url: 'rediss://:pw@r:6380/2' });
  });

  it('lets the sentinels win over REDIS_URL, keeping its URL for the password, db and TLS', () => {
    const { redis } = loadBusConfig({ REDIS_URL: 'redis://:pw@ignored:1/3', REDIS_SENTINELS: '10.0.0.1:26379, s2.example:26380,[::1]:26381', REDIS_SENTINEL_MASTER: 'zen', REDIS_SENTINEL_PASSWORD: 'spw', REDIS_SENTINEL_TLS: 'true' });
    expect(redis).toEqual({
      kind: 'sentinel',
      url: 'redis://:pw@ignored:1/3',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 's2.example', port: 26380 }, { host: '::1', port: 26381 }],
      master: 'zen',
      sentinelPassword: 'spw',
      sentinelTls: true,
    });
  });

  it('lets the cluster seeds win over REDIS_URL', () => {
    expect(loadBusConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }).redis).toEqual({
      kind: 'cluster',
      url: 'redis://127.0.0.1:6379',
      nodes: [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }],
    });
  });

  describe('REDIS_TLS_CA, REDIS_TLS_CERT and REDIS_TLS_KEY', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zen-tls-conf-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const pem = join(dir, 'x.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const notPem = `${pem}.txt`;
    writeFileSync(notPem, 'hello');

    it('go with the target, for every kind of target', () => {
      expect(loadBusConfig({ REDIS_URL: 'rediss://r:6380', REDIS_TLS_CA: pem }).redis).toEqual({ kind: 'single', url: 'rediss://r:6380', tls: { ca: pem } });
      expect(loadBusConfig({ REDIS_URL: 'rediss://r', REDIS_TLS_CERT: pem, REDIS_TLS_KEY: pem, REDIS_CLUSTER_NODES: 'a:1' }).redis).toMatchObject({ kind: 'cluster', tls: { cert: pem, key: pem } });
      // sentinels over TLS, the primary in plain text: still a TLS connection to configure
      expect(loadBusConfig({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'm', REDIS_SENTINEL_TLS: 'true', REDIS_TLS_CA: pem }).redis).toMatchObject({ kind: 'sentinel', tls: { ca: pem } });
    });

    it.each([
      [{ REDIS_TLS_CA: pem }, 'REDIS_TLS_CA', 'only applies to TLS connections'],
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_CERT: pem }, 'REDIS_TLS_KEY', 'go together'],
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_KEY: pem }, 'REDIS_TLS_CERT', 'go together'],
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_CA: `${pem}.missing` }, 'REDIS_TLS_CA', 'ENOENT'],
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_CA: notPem }, 'REDIS_TLS_CA', 'is not a PEM file'],
    ])('a mistake is a ConfigError naming the variable (%o)', (env, variable, text) => {
      expect(() => loadBusConfig(env)).toThrow(ConfigError);
      expect(() => loadBusConfig(env)).toThrow(new RegExp(`^${variable} .*${text}`));
    });
  });

  it.each([
    [{ REDIS_SENTINELS: '10.0.0.1:26379' }, 'REDIS_SENTINEL_MASTER'],
    [{ REDIS_SENTINEL_MASTER: 'zen' }, 'REDIS_SENTINEL_MASTER'],
    [{ REDIS_SENTINEL_PASSWORD: 'p' }, 'REDIS_SENTINEL_PASSWORD'],
    [{ REDIS_SENTINEL_TLS: 'yes' }, 'REDIS_SENTINEL_TLS'],
    [{ REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_MASTER: 'zen', REDIS_CLUSTER_NODES: '10.0.0.2:7000' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_SENTINELS: '10.0.0.1' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: '10.0.0.1:99999', REDIS_SENTINEL_MASTER: 'zen' }, 'REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a:1,b c:2' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: '10.0.0.2:7000', REDIS_URL: 'redis://x:6379/4' }, 'REDIS_URL'],
  ])('names the variable of a bad combination (%o → %s)', (env, variable) => {
    let caught: unknown;
    try {
      loadBusConfig(env as Record<string, string>);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message.startsWith(variable)).toBe(true);
  });
});

describe('trust settings', () => {
  it('reads ZEN_ADMINS, ZEN_IGNORE and the command limits', () => {
    const config = loadBotConfig({ ...base, ZEN_ADMINS: 'account:Alice, *!~ops@ops.example.org', ZEN_IGNORE: 'spammer!*@*', ZEN_COMMAND_RATE: '0' });
    expect([...config.admins.accounts]).toEqual(['alice']);
    expect(config.admins.masks).toEqual(['*!~ops@ops.example.org']);
    expect(config.ignore).toEqual(['spammer!*@*']);
    expect(config).toMatchObject({ commandRate: 0, commandBurst: 5, channelCommandRate: 2, channelCommandBurst: 10, accountCacheSeconds: 60 });
    expect(loadBotConfig(base).admins.accounts.size + loadBotConfig(base).admins.masks.length).toBe(0);
  });

  it.each([
    ['ZEN_ADMINS', 'alice', /a nick alone is never trusted/],
    ['ZEN_ADMINS', '*!*@*', /everyone an admin/],
    ['ZEN_IGNORE', 'spammer', /not a nick!user@host mask/],
    ['ZEN_IGNORE', '*!*@*', /ignore everyone/],
    ['ZEN_COMMAND_RATE', 'fast', /./],
  ])('%s=%j stops the bot naming the variable', (variable, value, why) => {
    const err = errorFor({ ...base, [variable]: value });
    expect(err.variable).toBe(variable);
    expect(err.message).toMatch(why);
  });
});
