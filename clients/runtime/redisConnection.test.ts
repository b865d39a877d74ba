import fc from 'fast-check';
import { busNames } from '@zenrelay/protocol';
import { describeTarget, parseHostPort } from './redisConnection';

describe('parseHostPort', () => {
  it('reads host:port, [ipv6]:port and names', () => {
    expect(parseHostPort('10.0.0.1:26379')).toEqual({ host: '10.0.0.1', port: 26379 });
    expect(parseHostPort('redis-1.example:7000')).toEqual({ host: 'redis-1.example', port: 7000 });
    expect(parseHostPort('[::1]:6379')).toEqual({ host: '::1', port: 6379 });
  });

  it.each(['host', ':6379', 'host:', 'host:0', 'host:65536', 'a b:1', 'host:6379:1', 'http://host:1', 'host:-1'])('refuses %s', (item) => {
    expect(parseHostPort(item)).toBeUndefined();
  });

  it('round-trips any host name and port', () => {
    const host = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);
    fc.assert(
      fc.property(host, fc.integer({ min: 1, max: 65535 }), (h, p) => {
        expect(parseHostPort(`${h}:${p}`)).toEqual({ host: h, port: p });
      }),
    );
  });
});

describe('describeTarget', () => {
  it('never shows a password', () => {
    expect(describeTarget({ kind: 'single', url: 'redis://user:hunter2@r:6379' })).toBe('redis://***@r:6379');
    const sentinel = describeTarget({ kind: 'sentinel', url: 'redis://:hunter2@x', sentinels: [{ host: '::1', port: 26379 }], master: 'zen', sentinelPassword: 'spw', sentinelTls: false });
    expect(sentinel).toBe('sentinel master "zen" via [::1]:26379');
    expect(describeTarget({ kind: 'cluster', url: 'redis://:hunter2@x', nodes: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }] })).toBe('cluster a:1,b:2');
  });
});

/** The part of a key Redis Cluster hashes: the first non-empty {…}, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('busNames on a cluster', () => {
  it('keeps the single-Redis names unchanged (ZenIRCBot compatibility)', () => {
    expect(busNames('')).toMatchObject({ in: 'in', out: 'out', nickKey: 'zenircbot:nick', notices: 'zenrelay:notices', noticePrefix: 'zenrelay:notice:', servicePrefix: 'zenrelay:service:' });
  });

  it('puts the stream, every fate hash and the dead letters in one slot, and every registry record and replica key in one slot, for any namespace', () => {
    const namespace = fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/));
    fc.assert(
      fc.property(namespace, fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), (ns, id, service) => {
        const names = busNames(ns, { hashTags: true });
        expect(hashTag(`${names.noticePrefix}${id}`)).toBe(hashTag(names.notices));
        expect(hashTag(names.noticesDead)).toBe(hashTag(names.notices));
        expect(hashTag(`${names.servicePrefix}${service}`)).toBe(hashTag(`${names.servicePrefix}other`));
        expect(hashTag(`${names.replicaPrefix}${service}:${id}`)).toBe(hashTag(`${names.servicePrefix}${service}`));
        // Listing the services (SCAN <servicePrefix>*) must not find replica keys.
        expect(`${names.replicaPrefix}${service}:${id}`.startsWith(names.servicePrefix)).toBe(false);
        const plain = busNames(ns);
        const alone = ['in', 'out', 'errors', 'receipts', 'nickKey', 'adminChannelsKey', 'inStream', 'rpcPrefix', 'replyPrefix', 'webhookDeliveryPrefix', 'audit', 'ignoreKey'] as const;
        expect(alone.map((k) => names[k])).toEqual(alone.map((k) => plain[k]));
      }),
    );
  });
});
