import { loadBotConfig } from './config';
import { redactConfig, redactUrl, redactUrlsIn, redactUrlValue, redisUrl } from '@zenrelay/runtime';
import fc from 'fast-check';

const SECRETS = {
  IRC_PASSWORD: 'serverpass-7f3a',
  IRC_SASL_ACCOUNT: 'zenacct',
  IRC_SASL_PASSWORD: 'saslpass-91bc',
  IRC_NICKSERV_PASSWORD: 'nickservpass-3e8d',
  REDIS_URL: 'rediss://zenuser:redispass-55d1@redis.example:6380/2',
};

describe('redactConfig', () => {
  it('masks every password and the credentials in REDIS_URL, and keeps the rest readable', () => {
    const config = loadBotConfig({ IRC_HOST: 'irc.example.org', IRC_CHANNELS: '#zen', ...SECRETS });
    const logged = redactConfig(config);
    const text = JSON.stringify(logged);
    for (const secret of ['serverpass-7f3a', 'saslpass-91bc', 'nickservpass-3e8d', 'redispass-55d1', 'zenuser']) expect(text).not.toContain(secret);
    expect(logged).toMatchObject({
      ircPassword: '***',
      saslPassword: '***',
      nickservPassword: '***',
      saslAccount: 'zenacct',
      redisUrl: 'rediss://***@redis.example:6380/2',
      ircHost: 'irc.example.org',
      ircChannels: ['#zen'],
    });
  });

  it('leaves unset secrets unset, so the log shows they are not configured', () => {
    const logged = redactConfig(loadBotConfig({ IRC_HOST: 'irc.example.org' }));
    expect(logged.ircPassword).toBeUndefined();
    expect(logged.saslPassword).toBeUndefined();
    expect(logged.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('masks the credentials inside the Redis target (REDIS_URL password, sentinel password)', () => {
    const config = loadBotConfig({
      IRC_HOST: 'irc.example.org',
      REDIS_URL: 'redis://:hunter2@ignored:6379/1',
      REDIS_SENTINELS: '10.0.0.1:26379',
      REDIS_SENTINEL_MASTER: 'zen',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    const logged = JSON.stringify(redactConfig(config));
    expect(logged).not.toContain('hunter2');
    expect(logged).not.toContain('sentinel-secret');
    expect(logged).toContain('10.0.0.1');
  });

  it('masks any key that names a token, password or secret (e.g. a service environment)', () => {
    const logged = redactConfig({ WEBHOOK_TOKEN: 'tok-123', apiSecret: 's', dbPassword: 'p', port: 8080 });
    expect(logged).toEqual({ WEBHOOK_TOKEN: '***', apiSecret: '***', dbPassword: '***', port: 8080 });
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://:pw@127.0.0.1:6379', 'redis://***@127.0.0.1:6379'],
    ['redis://user:pw@host:6379/0', 'redis://***@host:6379/0'],
    // a password with an @ in it: nothing of it may remain
    ['redis://:p@ss@host:6379', 'redis://***@host:6379'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['rediss://host', 'rediss://host'],
    // ioredis takes the password from the query string too
    ['redis://127.0.0.1:6379/?password=hunter2', 'redis://127.0.0.1:6379/?password=***'],
    ['redis://127.0.0.1:6379/0?db=1&password=p%40ss', 'redis://127.0.0.1:6379/0?db=1&password=***'],
    ['redis://host/?sentinelPassword=s3&name=m', 'redis://host/?sentinelPassword=***&name=m'],
    ['redis://u:pw@host/?password=q', 'redis://***@host/?password=***'],
    // an unescaped / in the password: the rest of it would look like a path
    ['redis://:pa/ss@host:6379', 'redis://***'],
    ['redis://[bad', 'redis://***'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('never lets a userinfo or query secret through (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9@:\/?#%!$&'()*+,;=._~-]{6,20}$/).filter((s) => /[A-Za-z0-9]{6}/.test(s));
    fc.assert(
      fc.property(secret, fc.constantFrom('userinfo', 'query', 'both'), (pw, where) => {
        const enc = encodeURIComponent(pw);
        const url =
          where === 'userinfo' ? `redis://:${pw}@h:6379/0` : where === 'query' ? `redis://h:6379/?password=${enc}` : `redis://u:${pw}@h/?db=0&password=${enc}`;
        const shown = redactUrl(url);
        const core = /[A-Za-z0-9]{6,}/.exec(pw)![0];
        return !shown.includes(core) || 'redis://h:6379/0'.includes(core) || 'redis://***@h/?db=0&password=***'.includes(core);
      }),
    );
  });
});

describe('redactUrlsIn', () => {
  it('redacts every Redis URL inside a message', () => {
    expect(redactUrlsIn('cannot connect to redis://:pw@h:1 or rediss://h/?password=x, giving up')).toBe(
      'cannot connect to redis://***@h:1 or rediss://h/?password=***, giving up',
    );
  });
});

describe('redactUrlValue (a malformed REDIS_URL in an error message)', () => {
  it.each([
    ['http://u:s3cret@h:1', 'http://***@h:1/'],
    ['redis://u:s3cret@h:99999', 'redis://***'],
    ['u:s3cret@h:6379', '***@h:6379'],
    ['h:6379/?password=s3cret', 'h:6379/?***'],
    ['redis://h:1', 'redis://h:1'],
  ])('%s → %s', (raw, shown) => {
    expect(redactUrlValue(raw)).toBe(shown);
  });

  it('REDIS_URL errors show the redacted value only', () => {
    for (const raw of ['http://u:s3cret@h:1', 'redis://u:s3cret@h:99999', 'h:1/?password=s3cret']) {
      expect(() => redisUrl(raw, 'REDIS_URL')).toThrow(/^REDIS_URL /);
      expect(() => redisUrl(raw, 'REDIS_URL')).not.toThrow(/s3cret/);
    }
  });
});
