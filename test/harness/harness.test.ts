/**
 * Self-test of the integration harness: real redis-server, ngircd and
 * InspIRCd, real sockets, no mocks.
 */
import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import {
  connectUser,
  delay,
  parseLine,
  redisPing,
  startInspircd,
  startNgircd,
  startRedis,
  trackedPids,
  waitUntil,
  type IrcServer,
  type IrcUser,
  type RedisServer,
} from './index';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

describe('parseLine', () => {
  it('parses tags (unescaped), prefix, command and params', () => {
    const raw = '@time=2024-01-01T00:00:00.000Z;msgid=a\\sb\\:c\\\\d;+draft/x :alice!~al@127.0.0.1 PRIVMSG #test :hello there';
    const line = parseLine(raw, raw.length + 2);
    expect(line.tags).toEqual({ time: '2024-01-01T00:00:00.000Z', msgid: 'a b;c\\d', '+draft/x': '' });
    expect(line).toMatchObject({ nick: 'alice', user: '~al', host: '127.0.0.1', command: 'PRIVMSG', params: ['#test', 'hello there'] });
    expect(line.rawBytes).toBe(raw.length + 2);
    const ping = parseLine('PING :abc', 11);
    expect(ping).toMatchObject({ command: 'PING', params: ['abc'] });
    expect(ping.prefix).toBeUndefined();
    expect(parseLine(':irc.test 001 bob :Welcome', 26)).toMatchObject({ prefix: 'irc.test', command: '001', params: ['bob', 'Welcome'] });
  });
});

describe('redis', () => {
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('with tls: TLS only (plain text is refused), certificates from its own CA, and the same after restart', async () => {
    redis = await startRedis({ tls: true });
    const certs = redis.certificates;
    if (!certs) throw new Error('no certificates');
    expect(redis.url).toBe(`rediss://127.0.0.1:${redis.port}`);
    expect(await redisPing(redis.port, 2000, certs)).toBe('+PONG');
    await expect(redisPing(redis.port, 2000)).rejects.toThrow();
    await redis.restart();
    expect(await redisPing(redis.port, 2000, certs)).toBe('+PONG');
  });

  it('answers PING and keeps its port across restart', async () => {
    redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const { url, port, pid } = redis;
    expect(await withRedis(url, (c) => c.ping())).toBe('PONG');
    await redis.restart();
    expect(redis.port).toBe(port);
    expect(redis.pid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    expect(await withRedis(url, (c) => c.ping())).toBe('PONG');
    const dir = redis.dir;
    const lastPid = redis.pid;
    await redis.stop();
    expect(isAlive(lastPid)).toBe(false);
    expect(trackedPids()).not.toContain(lastPid);
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps data in aof mode across restart and across SIGKILL', async () => {
    redis = await startRedis({ persistence: 'aof' });
    const { url } = redis;
    await withRedis(url, (c) => c.set('harness:key', 'v1'));
    await redis.restart();
    expect(await withRedis(url, (c) => c.get('harness:key'))).toBe('v1');
    await withRedis(url, (c) => c.set('harness:key', 'v2'));
    await redis.kill();
    await redis.restart();
    expect(await withRedis(url, (c) => c.get('harness:key'))).toBe('v2');
  });
});

describe('ngircd', () => {
  let irc: IrcServer;
  const users: IrcUser[] = [];
  beforeAll(async () => {
    irc = await startNgircd();
  });
  afterAll(async () => {
    for (const u of users) u.destroy();
    await irc?.stop();
  });

  it('relays a channel message between two users, and survives a restart', async () => {
    const alice = await connectUser({ host: irc.host, port: irc.port, nick: 'alice_harness' });
    const bob = await connectUser({ host: irc.host, port: irc.port, nick: 'bob_harness' });
    users.push(alice, bob);
    await expect(connectUser({ host: irc.host, port: irc.port, nick: 'alice_harness' })).rejects.toThrow(/already in use/);

    await alice.join('#test');
    await bob.join('#test');
    bob.mark();
    alice.say('#test', 'hello from alice');
    const got = await bob.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'hello from alice');
    expect(got).toMatchObject({ nick: 'alice_harness', params: ['#test', 'hello from alice'] });
    expect(got.user).toMatch(/alice/);
    expect(got.host).toBeTruthy();
    expect(got.rawBytes).toBe(Buffer.byteLength(got.raw) + 2);
    expect(bob.privmsgs('alice_harness').map((m) => m.text)).toEqual(['hello from alice']);

    const port = irc.port;
    await irc.restart();
    expect(irc.port).toBe(port);
    await expect(alice.closed).resolves.toEqual(expect.any(String));
    await expect(bob.closed).resolves.toEqual(expect.any(String));
    await expect(bob.waitFor(() => false, 1000)).rejects.toThrow(/connection (already )?closed/);

    const carol = await connectUser({ host: irc.host, port: irc.port, nick: 'alice_harness' });
    users.push(carol);
    await carol.join('#test');
    expect(await carol.quit('done')).toMatch(/done|Closing/i);
  });
});

describe('inspircd', () => {
  let irc: IrcServer;
  const users: IrcUser[] = [];
  beforeAll(async () => {
    irc = await startInspircd({ floodThreshold: 10 });
  });
  afterAll(async () => {
    for (const u of users) u.destroy();
    await irc?.stop();
  });

  it('disconnects a 50-line burst with Excess Flood but not 1 line per second', async () => {
    const [flooder, slow, watcher] = await Promise.all([
      connectUser({ host: irc.host, port: irc.port, nick: 'flooder' }),
      connectUser({ host: irc.host, port: irc.port, nick: 'slowpoke' }),
      connectUser({ host: irc.host, port: irc.port, nick: 'watcher' }),
    ]);
    users.push(flooder, slow, watcher);
    await Promise.all([flooder.join('#flood'), slow.join('#flood'), watcher.join('#flood')]);
    // Let the join penalty drain so that only the sending pattern matters.
    await delay(2000);

    for (let i = 0; i < 50; i++) flooder.say('#flood', `burst line ${i}`);
    await expect(flooder.closed).resolves.toMatch(/Excess Flood/);
    await waitUntil(() => /Client exiting: flooder!.*Excess Flood/.test(irc.logs()), 5000, 'Excess Flood in the inspircd log');

    for (let i = 0; i < 3; i++) {
      slow.say('#flood', `slow line ${i}`);
      await delay(1000);
    }
    await watcher.waitForCount((l) => l.command === 'PRIVMSG' && l.nick === 'slowpoke', 3, 5000);
    expect(slow.isClosed).toBe(false);
    expect(watcher.privmsgs('slowpoke').map((m) => m.text)).toEqual(['slow line 0', 'slow line 1', 'slow line 2']);
  });

  it('negotiates the server-time cap', async () => {
    const timed = await connectUser({ host: irc.host, port: irc.port, nick: 'timed', caps: ['server-time', 'message-tags'] });
    users.push(timed);
    expect([...timed.caps].sort()).toEqual(['message-tags', 'server-time']);
    expect(timed.offeredCaps.has('account-tag')).toBe(true);
    timed.mark();
    await timed.join('#time');
    const join = await timed.waitFor((l) => l.command === 'JOIN' && l.nick === 'timed');
    expect(join.tags.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await expect(connectUser({ host: irc.host, port: irc.port, nick: 'nocap', caps: ['no-such-cap'] })).rejects.toThrow(
      /does not offer cap\(s\) no-such-cap/,
    );
  });

  it('stops by PID', async () => {
    const extra = await startInspircd();
    const pid = extra.pid;
    expect(isAlive(pid)).toBe(true);
    await extra.kill();
    await waitUntil(() => !isAlive(pid), 5000, `inspircd pid ${pid} still alive after kill()`);
    await extra.stop();
  });
});
