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

  it('names the sentinels or cluster nodes, not REDIS_URL, when those say where Redis is', () => {
    const sentinel = { kind: 'sentinel' as const, url, sentinels: [{ host: '10.0.0.7', port: 26379 }], master: 'zen', sentinelTls: false };
    const refused = redisFailure(err('connect ECONNREFUSED 10.0.0.7:26379', 'ECONNREFUSED'), sentinel);
    expect(refused.message).toBe('connection refused by sentinel master "zen" via 10.0.0.7:26379');
    expect(refused.hint).toContain('REDIS_SENTINELS');
    expect(redisFailure(err('WRONGPASS invalid username-password pair'), sentinel).hint).toContain('REDIS_SENTINEL_PASSWORD');
    const cluster = { kind: 'cluster' as const, url, nodes: [{ host: 'a', port: 7000 }] };
    expect(redisFailure(err('getaddrinfo ENOTFOUND a', 'ENOTFOUND'), cluster).hint).toContain('REDIS_CLUSTER_NODES');
    expect(JSON.stringify(redisFailure(err('odd'), cluster))).not.toContain('s3cret-pass');
  });
});
