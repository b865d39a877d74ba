/**
 * ngircd goes down hard for a while, with the bot running and notices being
 * queued; when it is back, every notice is delivered, in order, at the bot's
 * default flood limits (IRC_SEND_BURST 4, IRC_SEND_RATE 1) on an ngircd with
 * its normal flood penalty, and the bot is not thrown off.
 *
 * The bot reaches ngircd through a TCP gate so the test user can be back in
 * the channel before the bot returns (otherwise the first lines could go to
 * an empty channel).
 */
import { Bridge } from '../../bot/bridge';
import { createLogger } from '@zenrelay/runtime';
import { NoticeClient } from '../../clients/notices';
import { delay, IrcUser, waitUntil } from '../harness';
import { joinedUser, queueNotice, textsOn } from '../support/notices';
import { startTcpGate, TcpGate } from '../support/tcpGate';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

let stack: Stack;
let gate: TcpGate;
let bridge: Bridge;
let client: NoticeClient;
const users: IrcUser[] = [];

beforeAll(async () => {
  stack = await startStack({ startBridge: false });
  gate = await startTcpGate(stack.irc.port, { open: false, whenClosed: 'refuse' });
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  await bridge?.stop();
  for (const user of users) user.destroy();
  await client?.close();
  await gate?.stop();
  await stack?.stop();
});



const fromBot = (prefix: string) => (l: { command: string; nick?: string; params: string[] }) =>
  l.command === 'PRIVMSG' && l.nick === 'zenbot' && (l.params[1] ?? '').startsWith(prefix);

it('delivers everything queued during an IRC outage once the server is back, in order, without a flood kick', async () => {
  const alice = await joinedUser(stack.irc, users, 'alice');
  gate.open();
  const config = { ...stack.config, ircPort: gate.port, sendBurst: 4, sendRate: 1, shutdownTimeoutMs: 1000 };
  bridge = new Bridge(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'outage-bot'), { nickRegainMs: 1000, joinTimeoutMs: 3000, rejoinDelayMs: 300 });
  await bridge.start();
  await waitUntil(() => bridge.status().ircReady, 20000, 'the bot to join');
  await queueNotice(client, ['#test'], 'before-outage');
  await alice.waitFor(fromBot('before-outage'), 20000);
  // Acknowledged once the server proved it processed it (PING/PONG after the line).
  await waitUntil(async () => (await client.redis.xlen(stack.names.notices)) === 0, 10000, 'the first notice to be confirmed');

  // Outage: the IRC server dies; the bot keeps trying, the gate turns it away.
  gate.close();
  await stack.irc.kill();
  await waitUntil(() => !bridge.status().ircRegistered, 20000, 'the bot to notice the outage');
  for (let i = 1; i <= 20; i++) await queueNotice(client, ['#test'], `during-${i}`);
  await delay(1500);
  // All 20 wait in Redis. The bot reads nothing while IRC is down; only a
  // blocking read already under way when IRC went down can hand it the first one.
  expect(await client.redis.xlen(stack.names.notices)).toBe(20);
  expect(await bridge.metrics.value(bridge.metrics.noticesInFlight)).toBeLessThanOrEqual(1);

  // The server comes back; the user first, then the bot.
  await stack.irc.restart();
  const bob = await joinedUser(stack.irc, users, 'bob');
  gate.open();
  await waitUntil(() => bridge.status().ircReady, 30000, 'the bot to reconnect and rejoin');
  const reconnects = await bridge.metrics.value(bridge.metrics.ircReconnects);

  await bob.waitForCount(fromBot('during-'), 20, 60000);
  expect(textsOn(bob, '#test')).toEqual(Array.from({ length: 20 }, (_, i) => `during-${i + 1}`));
  await waitUntil(async () => (await client.redis.xlen(stack.names.notices)) === 0, 10000, 'the stream to be empty');

  // Still on the same connection: not killed for flooding, no reconnect since.
  expect(bridge.status().ircRegistered).toBe(true);
  expect(await bridge.metrics.value(bridge.metrics.ircReconnects)).toBe(reconnects);
  expect(bob.lines.some((l) => l.command === 'QUIT' && l.nick === 'zenbot')).toBe(false);
  await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.notices, { state: 'sent' })) === 21, 10000, '21 notices counted as sent');
});

it('reads a 10,000-notice backlog a window at a time: bounded in flight, bounded send queue', async () => {
  // Published the SDK-less way: a plain XADD with the documented field, no fate hash.
  const pipeline = client.redis.pipeline();
  for (let i = 1; i <= 10_000; i++) {
    pipeline.xadd(stack.names.notices, '*', 'envelope', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#test', message: `backlog-${i}`, id: `backlog-${i}` } }));
  }
  await pipeline.exec();
  await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.noticesPending)) >= 9000, 20000, 'the pending gauge to show the backlog');
  const window = stack.config.noticeWindow;
  let maxInFlight = 0;
  let maxDepth = 0;
  for (let sample = 0; sample < 30; sample++) {
    maxInFlight = Math.max(maxInFlight, await bridge.metrics.value(bridge.metrics.noticesInFlight));
    maxDepth = Math.max(maxDepth, bridge.status().queueDepth);
    await delay(100);
  }
  expect(maxInFlight).toBeGreaterThan(0); // it is working through the backlog…
  expect(maxInFlight).toBeLessThanOrEqual(window); // …a window at a time
  expect(maxDepth).toBeLessThanOrEqual(window);
  expect(await client.redis.xlen(stack.names.notices)).toBeGreaterThan(10_000 - window - 100);
  await waitUntil(async () => (await client.fate('backlog-1'))?.state === 'sent', 20000, 'the first backlog notice to be sent');
});
