import { redisFailure } from './redisConnectionLog';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
const url = 'redis://app:s3cret-pass@redis.internal:6380/2';

describe('redisFailure', () => {
  it('names the URL without its credentials, and the fix', () => {
    const f = redisFailure(err('connect ECONNREFUSED 10.0.0.5:6380', 'ECONNREFUSED'), url);
    expect(f).toMatchObject({ cause: 'refused', message: 'connection refused by redis://***@redis.internal:6380/2' });
    expect(f.hint).toContain('REDIS_URL');
    expect(JSON.stringify(f)).not.toContain('s3cret-pass');
  });

  it('tells a wrong password from a name that does not resolve', () => {
    expect(redisFailure(err('WRONGPASS invalid username-password pair or user is disabled.'), url)).toMatchObject({ cause: 'auth', hint: expect.stringContaining('password in REDIS_URL') });
    expect(redisFailure(err('NOAUTH Authentication required.'), url).cause).toBe('auth');
    expect(redisFailure(err('getaddrinfo ENOTFOUND redis.internal', 'ENOTFOUND'), url)).toMatchObject({ cause: 'dns', hint: expect.stringContaining('host name in REDIS_URL') });
  });

  it('keeps only the first line of any other error', () => {
    const f = redisFailure(err('something odd\nwith a second line'), url);
    expect(f.message).toBe('redis://***@redis.internal:6380/2: something odd');
  });
});
