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

  describe('TLS', () => {
    const tlsUrl = 'rediss://app:s3cret-pass@redis.internal:6380';
    const withCa = { kind: 'single' as const, url: tlsUrl, tls: { ca: '/etc/zen/ca.pem' } };

    it('a certificate signed by another CA: REDIS_TLS_CA, with the file now used', () => {
      const f = redisFailure(err('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), withCa);
      expect(f).toMatchObject({ cause: 'certificate', message: 'the TLS certificate of rediss://***@redis.internal:6380 is not trusted (self-signed certificate in certificate chain)' });
      expect(f.hint).toContain('set REDIS_TLS_CA');
      expect(f.hint).toContain('"/etc/zen/ca.pem"');
      const unset = redisFailure(err('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), tlsUrl);
      expect(unset.hint).toContain("unset, so only the system's CAs are trusted");
    });

    it('the client certificate: refused, or missing (the server resets)', () => {
      expect(redisFailure(err('SSL alert number 48', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), withCa)).toMatchObject({
        cause: 'client_certificate',
        message: 'rediss://***@redis.internal:6380 refused the client certificate (unknown ca)',
        hint: expect.stringContaining('REDIS_TLS_CERT and REDIS_TLS_KEY'),
      });
      expect(redisFailure(err('write ECONNRESET', 'ECONNRESET'), withCa).hint).toContain('set REDIS_TLS_CERT and REDIS_TLS_KEY');
    });

    it('the wrong protocol for the port, either way', () => {
      expect(redisFailure(err('write ECONNRESET', 'ECONNRESET'), url).hint).toContain('use rediss:// in REDIS_URL');
      expect(redisFailure(err('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), withCa).hint).toContain('use redis:// in REDIS_URL');
      expect(redisFailure(err('connect ETIMEDOUT', 'ETIMEDOUT'), withCa).hint).toContain('use redis://');
      expect(redisFailure(err('connect ETIMEDOUT', 'ETIMEDOUT'), url).hint).not.toContain('TLS');
    });

    it('a host name the certificate does not hold', () => {
      expect(redisFailure(err("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), withCa)).toMatchObject({ cause: 'certificate_name', hint: expect.stringContaining('subjectAltName') });
    });
  });
});
