/**
 * zenrelay on a real Redis Cluster (test/harness/redisCluster.ts: three
 * masters, three replicas on loopback), configured only with
 * REDIS_CLUSTER_NODES: relay in and out, services answering commands and the
 * registry listing them (SCAN on every master), `zen notify --wait`, the
 * webhook; then the master holding the notices stream is killed, its replica
 * promoted, and the relay, the services and the notices carry on; then the
 * node holding the bot's subscription is killed and the relay carries on.
 */
import { Bridge } from '../../bot/bridge';
import { loadBotConfig } from '../../bot/config';
import { createLogger, createRedis, scanKeys, subscribeKept, type RedisConnection } from '@zenrelay/runtime';
import { busNames, type InboundEvent } from '@zenrelay/protocol';
import { bundledServices, type RunningService } from '../../services';
import { startWebhook, type RunningWebhook } from '../../services/webhook';
import { connectUser, redisCommand, IrcServer, IrcUser, RedisCluster, startNgircd, startRedisCluster, waitUntil } from '../harness';
import { runZen } from '../support/notices';

jest.setTimeout(180000);

const LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
const TOKEN = 'cluster-webhook-token-0123456789';
const names = busNames('', { hashTags: true });

let irc: IrcServer;
let cluster: RedisCluster;
let alice: IrcUser;
let bridge: Bridge;
let probe: RedisConnection;
let publisher: RedisConnection;
let webhook: RunningWebhook;
const services: RunningService[] = [];
const events: InboundEvent[] = [];

function env(): Record<string, string> {
  // The bot WAITs for one replica after each notice it finishes (routed to the stream's node).
  return { IRC_HOST: irc.host, IRC_PORT: String(irc.port), IRC_NICK: 'zenbot', IRC_CHANNELS: '#test', IRC_SEND_RATE: '50', IRC_SEND_BURST: '20', LOG_LEVEL, ZEN_NOTICE_WAIT_REPLICAS: '1', ...cluster.env };
}

const botSays = (text: string) => (l: { command: string; nick?: string; params: string[] }) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#test' && l.params[1] === text;

async function askUntilAnswered(text: string, answer: string | RegExp, timeoutMs = 60000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const matches = (l: { command: string; nick?: string; params: string[] }) =>
    l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#test' && (typeof answer === 'string' ? l.params[1] === answer : answer.test(l.params[1] ?? ''));
  for (;;) {
    alice.mark();
    alice.say('#test', text);
    try {
      return (await alice.waitFor(matches, 3000)).params[1] ?? '';
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

async function postWebhook(text: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${webhook.port}/notify/%23test`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/plain' }, body: text });
  await res.arrayBuffer();
  return res.status;
}

async function relayInAndOut(tag: string): Promise<void> {
  const said = `in via the cluster ${tag}`;
  alice.say('#test', said);
  await waitUntil(() => events.some((e) => e.type === 'privmsg' && e.data.message === said), 20000, `alice's line (${tag}) to reach \`in\``);
  const out = `out via the cluster ${tag}`;
  alice.mark();
  await publisher.publish(names.out, JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#test', message: out } }));
  await alice.waitFor(botSays(out), 15000);
}

beforeAll(async () => {
  irc = await startNgircd({ noPenalty: true });
  cluster = await startRedisCluster();
  alice = await connectUser({ host: irc.host, port: irc.port, nick: 'alice' });
  await alice.join('#test');
  const target = loadBotConfig(env()).redis;
  probe = createRedis(target, { connectionName: 'test-probe' });
  publisher = createRedis(target, { connectionName: 'test-publisher' });
  for (const c of [probe, publisher]) c.on('error', () => undefined);
  probe.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as InboundEvent));
  await Promise.all([probe.connect(), publisher.connect()]);
  await subscribeKept(probe, [names.in]);
  bridge = new Bridge(loadBotConfig(env()), createLogger(LOG_LEVEL, 'test-bot'));
  await bridge.start();
  await waitUntil(() => bridge.status().ircReady, 30000, 'the bridge to be on IRC');
  const context = { redisUrl: 'redis://127.0.0.1:6379', namespace: '', env: { ...cluster.env, LOG_LEVEL, ZEN_SERVICE_HEARTBEAT_MS: '300', ZEN_SERVICE_TTL_MS: '3000' }, logger: createLogger(LOG_LEVEL, 'test-service') };
  for (const name of ['hello', 'help']) services.push(await bundledServices[name].start(context));
  webhook = await startWebhook({ ...context, env: { ...context.env, WEBHOOK_PORT: '0', WEBHOOK_TOKEN: TOKEN } });
});

afterAll(async () => {
  await webhook?.close().catch(() => undefined);
  for (const s of services) await s.close().catch(() => undefined);
  await bridge?.stop().catch(() => undefined);
  probe?.disconnect();
  publisher?.disconnect();
  alice?.destroy();
  await cluster?.stop();
  await irc?.stop();
});

describe('zenrelay on Redis Cluster', () => {
  it('relays in and out, and the services answer and are listed', async () => {
    await relayInAndOut('first');
    await askUntilAnswered('!woot', 'Indeed!', 20000);
    const listing = await askUntilAnswered('!services', /hello/, 20000);
    expect(listing).toMatch(/help/);
  });

  it('puts the notices stream, its fates and the registry under hash tags', async () => {
    expect(names.notices).toBe('{zenrelay:notices}');
    expect(await publisher.exists('zenrelay:notices')).toBe(0);
    expect(await publisher.exists(names.notices)).toBe(1);
    // SCAN on every master finds the registry, wherever its slot lives.
    expect((await scanKeys(publisher, '{zenrelay:service}:*')).sort()).toEqual(['{zenrelay:service}:hello', '{zenrelay:service}:help']);
    const slot = (key: string) => redisCommand(cluster.servers[0].port, 'CLUSTER', 'KEYSLOT', key);
    expect(await slot(`${names.noticePrefix}some-id`)).toBe(await slot(names.notices));
    expect(await slot(`${names.servicePrefix}hello`)).toBe(await slot(`${names.servicePrefix}help`));
  });

  it('delivers `zen notify --wait` and webhook notices', async () => {
    const result = await runZen(['notify', '--wait', '20', '#test', 'notify on the cluster'], { ...cluster.env, ZEN_NOTICE_WAIT_REPLICAS: '1', ZEN_NOTICE_WAIT_TIMEOUT_MS: '5000' });
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stderr).not.toMatch(/replicas confirmed/);
    await alice.waitFor(botSays('notify on the cluster'), 10000, 0);
    expect(await postWebhook('webhook on the cluster')).toBe(202);
    await alice.waitFor(botSays('webhook on the cluster'), 15000, 0);
  });

  it('carries on after the master holding the notices is killed and its replica promoted', async () => {
    const master = await cluster.masterFor(names.notices);
    await master.kill();
    await cluster.waitForTakeover(master.port);

    await askUntilAnswered('!woot', 'Indeed!');
    await relayInAndOut('after the takeover');
    const result = await runZen(['notify', '--wait', '20', '#test', 'notify after the takeover'], cluster.env);
    expect(result).toMatchObject({ code: 0, signal: null });
    await alice.waitFor(botSays('notify after the takeover'), 10000, 0);
    await waitUntil(async () => (await postWebhook('webhook after the takeover')) === 202, 20000, 'the webhook to queue again');
    await alice.waitFor(botSays('webhook after the takeover'), 15000, 0);
    expect(await askUntilAnswered('!services', /hello/)).toMatch(/help/);
  });

  it("moves the bot's subscription when the node it is on fails", async () => {
    // The server killed above rejoins (as a replica), so one more failure leaves every slot covered.
    for (const server of cluster.servers) {
      const alive = await redisCommand(server.port, 'PING').then(() => true, () => false);
      if (!alive) await server.restart();
    }
    await waitUntil(async () => (await cluster.nodes()).every((n) => !n.failed), 30000, 'every cluster node to be back');
    const subscriberNode = async (name: string) => {
      for (const server of cluster.servers) {
        const list = String(await redisCommand(server.port, 'CLIENT', 'LIST', 'TYPE', 'pubsub').catch(() => ''));
        if (list.includes(`name=ioredis-cluster(subscriber):${name} `)) return server;
      }
      return undefined;
    };
    const host = await subscriberNode('zenrelay-bot');
    expect(host).toBeDefined();
    const wasMaster = (await cluster.nodes()).some((n) => n.port === host?.port && n.role === 'master');
    await host?.kill();
    if (wasMaster && host) await cluster.waitForTakeover(host.port);

    await waitUntil(async () => (await subscriberNode('zenrelay-bot')) !== undefined, 30000, "the bot's `out` subscription to move to a live node");
    await relayInAndOut('after the subscriber node failed');
    await askUntilAnswered('!woot', 'Indeed!');
  });
});
