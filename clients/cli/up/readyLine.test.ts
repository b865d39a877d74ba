import { readyLine } from './readyLine';

const base = { ircHost: '127.0.0.1', ircPort: 40123, channels: ['#zen'], nick: 'zenrelay', redisUrl: 'redis://127.0.0.1:40124', services: ['hello', 'help'] };

describe('readyLine', () => {
  it('tells a sandbox user where to connect, which channel to join and the REDIS_URL for clients', () => {
    expect(readyLine({ ...base, sandbox: true })).toBe(
      'zen up: ready. Connect your IRC client to 127.0.0.1:40123 and join #zen (the bot is zenrelay); clients use REDIS_URL=redis://127.0.0.1:40124; services: hello, help. Ctrl-C stops everything.',
    );
  });

  it('names the namespace clients must use, when there is one', () => {
    expect(readyLine({ ...base, sandbox: true, namespace: 'net1' })).toContain('; clients use REDIS_URL=redis://127.0.0.1:40124 ZEN_NAMESPACE=net1; services: hello, help.');
    expect(readyLine({ ...base, sandbox: true, namespace: '' })).toContain('; clients use REDIS_URL=redis://127.0.0.1:40124; services');
  });

  it('names the services that could not start', () => {
    expect(readyLine({ ...base, sandbox: true, skipped: ['webhook'] })).toMatch(/; services: hello, help; not started: webhook \(see the log\)\. Ctrl-C stops everything\.$/);
  });

  it('describes a real network without printing Redis credentials', () => {
    const line = readyLine({ ...base, sandbox: false, ircHost: 'irc.libera.chat', ircPort: 6697, channels: ['#a', '#b'], redisUrl: 'redis://:hunter2@redis:6379', services: [] });
    expect(line).toBe('zen up: ready. The bot zenrelay is on irc.libera.chat:6697 in #a, #b; clients use REDIS_URL=redis://***@redis:6379; services: none. Ctrl-C stops everything.');
  });

  it('gives clients the Sentinel or Cluster settings when the bot uses them', () => {
    const sentinel = readyLine({ ...base, sandbox: false, redis: { kind: 'sentinel', url: 'redis://:pw@x:6379', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }], master: 'zen', sentinelTls: false } });
    expect(sentinel).toContain('clients use REDIS_SENTINELS=10.0.0.1:26379,10.0.0.2:26379 REDIS_SENTINEL_MASTER=zen REDIS_URL=redis://127.0.0.1:40124;');
    const cluster = readyLine({ ...base, sandbox: false, redis: { kind: 'cluster', url: base.redisUrl, nodes: [{ host: '10.0.0.3', port: 7000 }] } });
    expect(cluster).toContain('clients use REDIS_CLUSTER_NODES=10.0.0.3:7000 REDIS_URL=redis://127.0.0.1:40124;');
  });
});
