/**
 * zenrelay on a real Sentinel-managed Redis (test/harness/sentinel.ts: one
 * primary, one replica, three sentinels on loopback) with a real ngircd, the
 * bridge and the bundled hello service, both configured only with
 * REDIS_SENTINELS + REDIS_SENTINEL_MASTER:
 * - the primary killed while both run: after the failover `!woot` is answered
 *   again and `in` events flow, with no restart of either;
 * - notices queued (and replicated) before a failover are delivered by a bot
 *   started only after it, which finds the new primary by itself;
 * - a graceful failover (the old primary stays up, demoted to a replica):
 *   every zenrelay connection leaves it for the new primary;
 * - `zen notify --wait` finds the current primary and exits when done.
 */
import { Bridge } from '../../bot/bridge';
import { loadBotConfig } from '../../bot/config';
import { createLogger, createRedis, subscribeKept, type RedisConnection } from '@zenrelay/runtime';
import { NoticeClient, prepareNotice } from '../../clients/notices';
import { busNames, type InboundEvent } from '@zenrelay/protocol';
import { bundledServices, type RunningService } from '../../services';
import { runZen } from '../support/notices';
import {
  connectUser,
  delay,
  redisInfo,
  IrcUser,
  IrcServer,
  redisCommand,
  SENTINEL_MASTER,
  SentinelSetup,
  startNgircd,
  startSentinelSetup,
  waitUntil,
} from '../harness';

jest.setTimeout(180000);

const LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
const ZENRELAY_CONNECTIONS = /^(zenrelay-|hello$)/;

let irc: IrcServer;
let sentinel: SentinelSetup;
let alice: IrcUser;
let hello: RunningService;
let bridge: Bridge | undefined;
let probe: RedisConnection;
const events: InboundEvent[] = [];

function botEnv(): Record<string, string> {
  return {
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    IRC_NICK: 'zenbot',
    IRC_CHANNELS: '#test',
    IRC_SEND_RATE: '50',
    IRC_SEND_BURST: '20',
    LOG_LEVEL,
    ...sentinel.env,
  };
}

async function startBridge(): Promise<Bridge> {
  const b = new Bridge(loadBotConfig(botEnv()), createLogger(LOG_LEVEL, 'test-bot'));
  bridge = b;
  await b.start();
  await waitUntil(() => b.status().ircReady, 30000, 'the bridge to be on IRC');
  return b;
}

const botSays = (text: string) => (l: { command: string; nick?: string; params: string[] }) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#test' && l.params[1] === text;

/** alice says `text` until the bot answers `answer` (a failover may eat the first tries). */
async function askUntilAnswered(text: string, answer: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    alice.mark();
    alice.say('#test', text);
    try {
      await alice.waitFor(botSays(answer), 3000);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/** Names of the normal (non-replica) clients connected to the server on `port`. */
async function clientNames(port: number): Promise<string[]> {
  const list = String(await redisCommand(port, 'CLIENT', 'LIST', 'TYPE', 'normal')).concat(String(await redisCommand(port, 'CLIENT', 'LIST', 'TYPE', 'pubsub')));
  return [...list.matchAll(/ name=(\S*)/g)].map((m) => m[1]);
}

beforeAll(async () => {
  irc = await startNgircd({ noPenalty: true });
  sentinel = await startSentinelSetup();
  alice = await connectUser({ host: irc.host, port: irc.port, nick: 'alice' });
  await alice.join('#test');
  const target = loadBotConfig(botEnv()).redis;
  probe = createRedis(target, { connectionName: 'test-probe' });
  probe.on('error', () => undefined);
  probe.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as InboundEvent));
  await probe.connect();
  await subscribeKept(probe, [busNames().in]);
  hello = await bundledServices.hello.start({ redisUrl: 'redis://127.0.0.1:6379', namespace: '', env: { ...sentinel.env, LOG_LEVEL }, logger: createLogger(LOG_LEVEL, 'test-hello') });
  await startBridge();
});

afterAll(async () => {
  await bridge?.stop().catch(() => undefined);
  await hello?.close().catch(() => undefined);
  probe?.disconnect();
  alice?.destroy();
  await sentinel?.stop();
  await irc?.stop();
});

describe('zenrelay on Redis Sentinel', () => {
  it('keeps relaying through a failover after the primary is killed, with no restart of the bot or the service', async () => {
    await askUntilAnswered('!woot', 'Indeed!', 15000);
    const old = await sentinel.primary();
    expect(old).toBe(sentinel.servers[0]);

    await old.kill();
    const newPort = await sentinel.waitForFailover(old.port);
    expect(newPort).toBe(sentinel.servers[1].port);

    await askUntilAnswered('!woot', 'Indeed!');
    await askUntilAnswered('hello', 'Hello alice');
    // A subscriber that is not the bot's or the service's also gets `in` again (say it until it does:
    // under load its re-subscription may come seconds after theirs).
    const marker = `after the failover ${Date.now()}`;
    const deadline = Date.now() + 60000;
    while (!events.some((e) => e.type === 'privmsg' && e.data.message === marker)) {
      if (Date.now() > deadline) {
        const clients = String(await redisCommand(newPort, 'CLIENT', 'LIST').catch((err: Error) => err.message));
        throw new Error(`the line said after the failover never reached \`in\` (probe ${probe.status}, ${events.length} events); clients on the new primary:\n${clients}`);
      }
      alice.say('#test', marker);
      await delay(1000);
    }
    expect(bridge?.status().ircReady).toBe(true);

    // A publisher started after the failover finds the new primary, and exits once done. The new
    // primary has no replica now, so asking WAIT for one is reported (the notice is still queued and sent).
    const result = await runZen(['notify', '--wait', '20', '#test', 'notified after the failover'], { ...sentinel.env, ZEN_NOTICE_WAIT_REPLICAS: '1', ZEN_NOTICE_WAIT_TIMEOUT_MS: '300' });
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stderr).toMatch(/is queued, but only 0 of 1 replicas confirmed it within 300 ms \(ZEN_NOTICE_WAIT_REPLICAS\)/);
    await alice.waitFor(botSays('notified after the failover'), 10000);
  });

  it('delivers notices queued and replicated before a failover, from a bot started only after it', async () => {
    await bridge?.stop();
    bridge = undefined;
    // The killed primary comes back; the sentinels make it a replica of the new one.
    const demoted = sentinel.servers[0];
    await demoted.restart();
    await waitUntil(async () => (await redisInfo(demoted.port, 'replication').then((i) => i.get('master_link_status'), () => '')) === 'up', 40000, 'the old primary to rejoin as a replica, in sync');

    const client = new NoticeClient({ redis: loadBotConfig(botEnv()).redis, waitReplicas: 1, waitTimeoutMs: 5000 });
    await client.connect();
    const texts = Array.from({ length: 5 }, (_, i) => `queued before failover ${i}`);
    for (const text of texts) {
      const prepared = prepareNotice({ to: ['#test'], message: text, type: 'privmsg' });
      if (!prepared.ok) throw new Error(prepared.reason);
      expect((await client.send(prepared)).replicas).toBe(1); // WAIT: the replica has it
    }
    await client.close();
    await sentinel.waitForReplicaInSync(20000);

    const primary = await sentinel.primary();
    expect(primary).toBe(sentinel.servers[1]);
    const since = alice.mark();
    await primary.kill();
    await sentinel.waitForFailover(primary.port);

    await startBridge();
    await waitUntil(
      () => texts.every((t) => alice.lines.slice(since).some(botSays(t))),
      30000,
      'every notice queued before the failover to be said in #test',
    );
    const said = alice.lines.slice(since).filter((l) => l.nick === 'zenbot' && texts.includes(l.params[1] ?? '')).map((l) => l.params[1]);
    expect(said).toEqual(texts);
    // The service has now followed two failovers without a restart.
    await askUntilAnswered('!woot', 'Indeed!');
  });

  it('leaves a primary demoted by a graceful failover: no zenrelay connection stays on it', async () => {
    const replica = sentinel.servers[1];
    await replica.restart();
    await waitUntil(async () => (await redisCommand(replica.port, 'ROLE').then((r) => (r as string[])[0], () => '')) === 'slave', 40000, 'the killed server to rejoin as a replica');
    await sentinel.waitForReplicaInSync(20000);
    const primary = await sentinel.primary();
    await waitUntil(async () => (await clientNames(primary.port)).filter((n) => ZENRELAY_CONNECTIONS.test(n)).length >= 5, 20000, 'the bot and the service to be connected to the primary');

    await redisCommand(sentinel.sentinels[0].port, 'SENTINEL', 'FAILOVER', SENTINEL_MASTER);
    const newPort = await sentinel.waitForFailover(primary.port);
    expect(newPort).toBe(replica.port);
    await waitUntil(
      async () => (await redisCommand(primary.port, 'ROLE').then((r) => (r as string[])[0], () => '')) === 'slave',
      30000,
      'the old primary to be demoted to a replica',
    );
    await waitUntil(
      async () => (await clientNames(primary.port)).filter((n) => ZENRELAY_CONNECTIONS.test(n)).length === 0,
      30000,
      'every zenrelay connection to leave the demoted primary',
    );
    await askUntilAnswered('!woot', 'Indeed!');
    await delay(200);
    expect((await clientNames(newPort)).filter((n) => ZENRELAY_CONNECTIONS.test(n)).length).toBeGreaterThanOrEqual(5);
  });
});
