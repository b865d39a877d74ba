/**
 * kill -9 of the bot (the real `zen bot` process) in the middle of a burst of
 * 500 durable notices loses none: every notice reaches the IRC user at least
 * once, in order per target, and the duplicates stay within the in-flight
 * window (ZEN_NOTICE_WINDOW), as docs/notices.md promises. Also at an
 * unlimited send rate, where many lines sit in the socket's buffers at the
 * kill (and are lost with it): a notice is acknowledged only once the server
 * proved it processed its lines.
 */
import { NoticeClient, prepareNotice } from '../../clients/notices';
import { connectUser, IrcUser, waitUntil } from '../harness';
import { BotProcess, checkSequence, textsOn } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const COUNT = 500;
const WINDOW = 32;
let stack: Stack;
let alice: IrcUser;
let client: NoticeClient;
const bots: BotProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ startBridge: false, ngircdNoPenalty: true });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  for (const bot of bots) await bot.kill().catch(() => undefined);
  await client?.close();
  alice?.destroy();
  await stack?.stop();
});

function startBot(rate = '100'): BotProcess {
  const bot = BotProcess.start({
    IRC_HOST: stack.irc.host,
    IRC_PORT: String(stack.irc.port),
    REDIS_URL: stack.redis.url,
    IRC_NICK: 'zenbot',
    IRC_CHANNELS: '#test',
    IRC_RECONNECT_MIN_MS: '200',
    IRC_RECONNECT_MAX_MS: '2000',
    IRC_SEND_RATE: rate,
    IRC_SEND_BURST: '20',
    ZEN_NOTICE_WINDOW: String(WINDOW),
    LOG_LEVEL: 'info',
  });
  bots.push(bot);
  return bot;
}

const burst = (prefix = 'burst-') => textsOn(alice, '#test').filter((t) => t.startsWith(prefix));

it.each([
  ['100 lines/s', '100', 'burst-'],
  ['an unlimited rate', '0', 'flood-'],
])('loses no notice when the bot is killed with SIGKILL mid-burst at %s; duplicates stay within the window', async (_label, rate, prefix) => {
  const ids: string[] = [];
  for (let i = 1; i <= COUNT; i++) {
    const prepared = prepareNotice({ to: ['#test'], message: `${prefix}${i}` });
    if (!prepared.ok) throw new Error(prepared.reason);
    ids.push((await client.send(prepared)).id);
  }

  const first = startBot(rate);
  await waitUntil(() => burst(prefix).length >= 150, 60000, `150 notices to arrive before the kill\n${first.output()}`);
  await first.kill();
  const atKill = burst(prefix).length;
  expect(atKill).toBeLessThan(COUNT); // the kill really came in the middle

  const second = startBot(rate);
  await waitUntil(() => checkSequence(burst(prefix), prefix, COUNT).missing.length === 0, 60000, `all ${COUNT} notices to arrive\n${second.output()}`);

  const result = checkSequence(burst(prefix), prefix, COUNT);
  expect(result.missing).toEqual([]);
  expect(result.outOfRange).toEqual([]);
  expect(result.replays).toBeLessThanOrEqual(1); // the sequence restarts at most once: after the one kill
  expect(result.duplicates).toBeLessThanOrEqual(WINDOW);

  await waitUntil(async () => (await client.redis.xlen(stack.names.notices)) === 0, 20000, 'every entry to be acknowledged and deleted');
  const states = await Promise.all(ids.map((id) => client.redis.hget(`${stack.names.noticePrefix}${id}`, 'state')));
  expect(states.filter((s) => s !== 'sent')).toEqual([]);
  // The notices in flight at the kill came back through the pending list, not as new entries.
  expect(second.output()).toMatch(/resuming notices left unacknowledged/);
  await second.stop();
});
