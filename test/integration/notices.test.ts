/**
 * Durable notices on a real Redis (AOF), a real ngircd and the bridge:
 * queued while the bot is stopped, they all arrive once it runs, in order;
 * `zen notify --wait` exit codes; expiry of a stale backlog; a Redis crash
 * and restart keeps what was queued.
 */
import { Redis } from 'ioredis';
import { Bridge } from '../../bot/bridge';
import { createLogger } from '@zenrelay/runtime';
import { NoticeClient, prepareNotice } from '../../clients/notices';
import { connectUser, delay, IrcUser, waitUntil } from '../harness';
import { runZen, notify, textsOn } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const BOT_MAX_PAYLOAD = 2048;
let stack: Stack;
let alice: IrcUser;
let cliEnv: Record<string, string>;
let client: NoticeClient;

beforeAll(async () => {
  stack = await startStack({
    startBridge: false,
    redisPersistence: 'aof',
    ngircdNoPenalty: true,
    env: { IRC_SEND_RATE: '100', IRC_SEND_BURST: '20', ZEN_MAX_PAYLOAD_BYTES: String(BOT_MAX_PAYLOAD) },
  });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  cliEnv = { REDIS_URL: stack.redis.url };
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  alice?.destroy();
  await stack?.stop();
});

/** Queues a notice through the library (the same code path as zen notify). */
async function queue(to: string[], message: string, type: 'privmsg' | 'notice' | 'privmsg_action' = 'privmsg'): Promise<string> {
  const prepared = prepareNotice({ to, message, type });
  if (!prepared.ok) throw new Error(prepared.reason);
  return (await client.send(prepared)).id;
}

/** Starts the stack's bridge unless it runs (so each test can also run alone). */
async function botRunning(): Promise<void> {
  if (!stack.bridge) await stack.startBridge();
}

const streamLength = () => client.redis.xlen(stack.names.notices);
const fromBot = (prefix: string) => (l: { command: string; nick?: string; params: string[] }) =>
  l.command === 'PRIVMSG' && l.nick === 'zenbot' && (l.params[1] ?? '').startsWith(prefix);

describe('notices queued while the bot is stopped', () => {
  it('all arrive once it starts, in the order published, per target', async () => {
    await notify(cliEnv, '#test', 'stopped', 'one');
    await runZen(['notify', '#test', '-'], cliEnv, { stdin: 'stdin line a\nstdin line b\n' }).then((r) => expect(r.code).toBe(0));
    await notify(cliEnv, '--action', '#test', 'waves');
    await notify(cliEnv, '--notice', 'alice', 'a notice for alice');
    for (let i = 1; i <= 20; i++) {
      await queue(['#test'], `chan-${i}`);
      await queue(['alice'], `pm-${i}`);
    }
    expect(await streamLength()).toBe(44);
    alice.mark();

    await stack.startBridge();

    await alice.waitForCount(fromBot('chan-'), 20, 30000);
    await alice.waitForCount(fromBot('pm-'), 20, 30000);
    expect(textsOn(alice, '#test')).toEqual([
      'stopped one',
      'stdin line a',
      'stdin line b',
      '\x01ACTION waves\x01',
      ...Array.from({ length: 20 }, (_, i) => `chan-${i + 1}`),
    ]);
    expect(textsOn(alice, 'alice')).toEqual(Array.from({ length: 20 }, (_, i) => `pm-${i + 1}`));
    const notice = alice.lines.find((l) => l.command === 'NOTICE' && l.nick === 'zenbot' && l.params[0] === 'alice');
    expect(notice?.params[1]).toBe('a notice for alice');
    await waitUntil(async () => (await streamLength()) === 0, 10000, 'the stream to be empty (every entry acknowledged and deleted)');
    const bridge = stack.bridge;
    // The stream empties when Redis runs the acknowledging transaction; the counter moves when its reply is back.
    await waitUntil(async () => (await bridge?.metrics.value(bridge.metrics.notices, { state: 'sent' })) === 44, 10000, '44 notices counted as sent');
  });
});

describe('zen notify --wait', () => {
  beforeEach(botRunning);

  it('exits 0 once sent, and --print-id prints the id whose fate is sent', async () => {
    const result = await runZen(['notify', '#test', 'waited', 'hello', '--print-id', '--wait=30'], cliEnv);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const id = result.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await alice.waitFor(fromBot('waited hello'));
    expect(await client.fate(id)).toMatchObject({ id, state: 'sent', to: '#test', type: 'privmsg' });
  });

  it('exits 2 at once for a bad target, and queues nothing', async () => {
    const before = await streamLength();
    const result = await runZen(['notify', 'no such target', 'x', '--wait=30'], cliEnv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^zen notify: target "no such target" is neither a channel/);
    expect(await streamLength()).toBe(before);
  });

  it('exits 2 for a message over the local payload limit, 1 when only the bot refuses it', async () => {
    const big = 'x'.repeat(BOT_MAX_PAYLOAD + 500);
    const local = await runZen(['notify', '#test', big], { ...cliEnv, ZEN_MAX_PAYLOAD_BYTES: String(BOT_MAX_PAYLOAD) });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/the limit is 2048; nothing was queued/);

    const result = await runZen(['notify', '#test', big, '--wait=30', '--print-id'], cliEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the bot rejected notice .*: payload is \d+ bytes, the limit is 2048 \(too_large\)/);
    expect(await client.fate(result.stdout.trim())).toMatchObject({ state: 'rejected', code: 'too_large' });
  });

  it('exits 3 when the bot does not send in time; the notice stays queued and goes out later', async () => {
    await stack.stopBridge();
    const result = await runZen(['notify', '#test', 'late', 'one', '--wait=2', '--print-id'], cliEnv);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/was not sent within 2 s .*stays queued/);
    const id = result.stdout.trim();
    expect(await client.fate(id)).toMatchObject({ state: 'queued' });
    alice.mark();
    await stack.startBridge();
    await alice.waitFor(fromBot('late one'), 20000);
    await waitUntil(async () => (await client.fate(id))?.state === 'sent', 10000, 'the late notice to be marked sent');
  });
});

describe('expiry', () => {
  it('marks a backlog older than ZEN_NOTICE_MAX_AGE_SECONDS expired, counts it, sends none of it; --wait exits 4', async () => {
    await stack.stopBridge();
    const ids: string[] = [];
    for (let i = 1; i <= 15; i++) ids.push(await queue(['#test'], `stale-${i}`));
    const waiter = runZen(['notify', '#test', 'stale-waited', '--wait=60'], cliEnv);
    await waitUntil(async () => (await streamLength()) === 16, 20000, 'the waited notice to be queued');
    await delay(2500); // every entry is now older than 2 s
    alice.mark();

    const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'expiring-bot');
    const expiring = new Bridge({ ...stack.config, noticeMaxAgeSeconds: 2 }, logger, { nickRegainMs: 1000, joinTimeoutMs: 3000, rejoinDelayMs: 300 });
    try {
      await expiring.start();
      const result = await waiter;
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/expired without being sent: queued \d+ s ago, longer than the maximum age of 2 s/);
      await waitUntil(async () => (await expiring.metrics.value(expiring.metrics.notices, { state: 'expired' })) === 16, 20000, '16 notices counted as expired');
      for (const id of ids) expect(await client.fate(id)).toMatchObject({ state: 'expired', code: 'expired' });
      expect(await streamLength()).toBe(0);
    } finally {
      await expiring.stop();
    }
    // A fresh notice through a normal bot: it arrives, and nothing stale came before it.
    await stack.startBridge();
    await queue(['#test'], 'after-expiry');
    await alice.waitFor(fromBot('after-expiry'), 20000);
    expect(textsOn(alice, '#test').filter((t) => t.startsWith('stale'))).toEqual([]);
  });
});

describe('Redis restart with appendonly', () => {
  it('keeps queued notices through a Redis crash (kill -9) and restart, and the bot carries on after a restart', async () => {
    await stack.stopBridge();
    for (let i = 1; i <= 10; i++) await queue(['#test'], `aof-${i}`);
    await stack.redis.kill();
    await stack.redis.restart();
    const fresh = new Redis(stack.redis.url);
    try {
      expect(await fresh.xlen(stack.names.notices)).toBe(10);
    } finally {
      fresh.disconnect();
    }
    alice.mark();
    await stack.startBridge();
    await alice.waitForCount(fromBot('aof-'), 10, 30000);
    expect(textsOn(alice, '#test').filter((t) => t.startsWith('aof-'))).toEqual(Array.from({ length: 10 }, (_, i) => `aof-${i + 1}`));

    // Now Redis restarts under the running bot; notices queued afterwards still arrive.
    await stack.redis.restart();
    await waitUntil(() => client.redis.status === 'ready', 20000, 'the test client to reconnect');
    for (let i = 1; i <= 5; i++) await queue(['#test'], `after-restart-${i}`);
    await alice.waitForCount(fromBot('after-restart-'), 5, 30000);
    expect(textsOn(alice, '#test').filter((t) => t.startsWith('after-restart-'))).toEqual(Array.from({ length: 5 }, (_, i) => `after-restart-${i + 1}`));
  });
});

describe('Redis losing its data', () => {
  it('recreates the group and carries on when the stream and its group vanish under the running bot', async () => {
    await botRunning();
    await queue(['#test'], 'before-loss');
    await alice.waitFor(fromBot('before-loss'), 20000);
    await client.redis.del(stack.names.notices); // what a restart without persistence does to the bot's state
    for (let i = 1; i <= 3; i++) await queue(['#test'], `after-loss-${i}`);
    await alice.waitForCount(fromBot('after-loss-'), 3, 30000);
    expect(textsOn(alice, '#test').filter((t) => t.startsWith('after-loss-'))).toEqual(['after-loss-1', 'after-loss-2', 'after-loss-3']);
  });
});
