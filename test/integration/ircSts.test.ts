/**
 * IRCv3 STS for real: InspIRCd 3 with m_ircv3_sts and m_ssl_gnutls on a
 * self-signed certificate for `localhost`, the bot told about it only by
 * IRC_TLS_CA (the certificate itself) and started on the plain-text port.
 *
 * - It ends up on the TLS port: the server advertises `sts=port=N` on plain
 *   text, the bot drops the connection and reconnects with TLS; a user's
 *   WHOIS shows it on a secure connection (671).
 * - On TLS the server advertises `duration`: the policy goes to Redis
 *   (`<ns>:zenrelay:sts:localhost`, expiring with the policy), and a
 *   restarted bot connects with TLS straight away.
 * - Never a downgrade: a restarted bot whose TLS connection fails (wrong CA)
 *   keeps retrying TLS, never the plain-text IRC_PORT.
 */
import { Redis } from 'ioredis';
import { parseStoredPolicy } from '../../bot/irc/sts';
import { redisStsStore, stsKey } from '../../bot/redis/stsStore';
import { connectUser, InspircdServer, IrcUser, makeSelfSigned, ParsedLine, waitUntil, type CertFiles } from '../harness';
import { LoggedBridge, startLoggedBridge } from '../support/logBridge';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const NAMESPACE = 'stsbot';

let stack: Stack;
let cert: CertFiles;
let otherCert: CertFiles;
let tlsPort: number;
let watcher: IrcUser;
let redis: Redis;
const bots: LoggedBridge[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    IRC_HOST: 'localhost',
    IRC_PORT: String(stack.irc.port),
    REDIS_URL: stack.redis.url,
    IRC_NICK: 'stsbot',
    IRC_CHANNELS: '#sts',
    ZEN_NAMESPACE: NAMESPACE,
    IRC_TLS_CA: cert.certFile,
    IRC_RECONNECT_MIN_MS: '200',
    IRC_RECONNECT_MAX_MS: '1000',
    ...extra,
  };
}

async function bot(extra: Record<string, string> = {}, ready = true): Promise<LoggedBridge> {
  const b = await startLoggedBridge(env(extra), { ready });
  bots.push(b);
  return b;
}

const whois = (nick: string): Promise<ParsedLine[]> => watcher.whois(nick);

const connects = (b: LoggedBridge) => b.log().filter((e) => e.msg === 'connecting to IRC');

beforeAll(async () => {
  cert = makeSelfSigned(['localhost']);
  otherCert = makeSelfSigned(['localhost']);
  stack = await startStack({ irc: 'inspircd', inspircd: { tls: cert, sts: { host: 'localhost', duration: '300' } }, startBridge: false });
  const port = (stack.irc as InspircdServer).tlsPort;
  if (port === undefined) throw new Error('InspIRCd was started without TLS');
  tlsPort = port;
  watcher = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'watcher' });
  redis = new Redis(stack.redis.url);
});

afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

afterAll(async () => {
  watcher?.destroy();
  redis?.disconnect();
  await stack?.stop();
});

describe('sts on a plain-text connection', () => {
  it('upgrades: the bot started on the plain-text port ends up on the TLS port (WHOIS 671) and remembers the policy in Redis', async () => {
    const b = await bot();
    const [first, second] = connects(b);
    expect(first).toMatchObject({ port: stack.irc.port, tls: false });
    expect(second).toMatchObject({ port: tlsPort, tls: true, via: 'sts-upgrade' });
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: `localhost:${stack.irc.port} asks for TLS (IRCv3 sts): reconnecting with TLS to port ${tlsPort}` }));
    expect(b.bridge.irc.currentEndpoint).toEqual({ port: tlsPort, tls: true, via: 'sts-upgrade' });
    expect((await whois('stsbot')).find((l) => l.command === '671')?.params[2]).toMatch(/secure connection/i);
    // Not counted as a failure.
    expect(b.log().some((e) => e.msg.startsWith('IRC: ') || e.msg.startsWith('IRC still failing'))).toBe(false);
    // The policy seen over TLS is in Redis, expiring with it (duration 300 s).
    await b.waitForLog((e) => /^STS policy received/.test(e.msg), 10000, 'the policy to be received');
    const key = stsKey(NAMESPACE, 'localhost');
    expect(key).toBe('stsbot:zenrelay:sts:localhost');
    await waitUntil(async () => (await redis.exists(key)) === 1, 5000, 'the policy to be saved in Redis');
    expect(parseStoredPolicy(await redis.get(key))).toMatchObject({ host: 'localhost', port: tlsPort });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });
});

describe('a remembered policy', () => {
  it('makes a restarted bot connect with TLS at once, never to the plain-text port', async () => {
    const b = await bot();
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: 'STS policy in force: connecting with TLS only', port: tlsPort }));
    expect(connects(b)).toEqual([expect.objectContaining({ port: tlsPort, tls: true, via: 'sts-policy' })]);
    expect((await whois('stsbot')).some((l) => l.command === '671')).toBe(true);
  });

  it('never downgrades: when TLS fails (a CA that does not match), the bot retries TLS and never tries plain text', async () => {
    const b = await bot({ IRC_TLS_CA: otherCert.certFile }, false);
    await b.waitForLog((e) => e.cause === 'certificate', 20000, 'the certificate failure');
    await waitUntil(() => b.reconnects() >= 3, 20000, 'three reconnect attempts');
    expect(connects(b).length).toBeGreaterThanOrEqual(3);
    for (const c of connects(b)) expect(c).toMatchObject({ port: tlsPort, tls: true });
  });

  it('once cleared from Redis (what duration=0 does; InspIRCd never sends it, see stsPolicies.test.ts), a restarted bot starts on plain text again', async () => {
    // InspIRCd will not advertise duration=0 (its minimum is 60 s): the clear goes through the store the bot uses on duration=0.
    const store = redisStsStore(() => redis, NAMESPACE);
    await store.clear('localhost');
    expect(await redis.exists(stsKey(NAMESPACE, 'localhost'))).toBe(0);
    const b = await bot();
    expect(connects(b)[0]).toMatchObject({ port: stack.irc.port, tls: false });
  });
});
