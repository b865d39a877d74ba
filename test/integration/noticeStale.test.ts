/**
 * A notice already handed to the send queue when IRC goes down, and past
 * ZEN_NOTICE_MAX_AGE_SECONDS when the bot gets back, is not sent: it is
 * marked expired, like a stale backlog in Redis. (Notices not yet confirmed
 * by the server when the connection drops are read again from Redis, where
 * their age is checked again.)
 */
import { Bridge } from '../../bot/bridge';
import { createLogger } from '@zenrelay/runtime';
import { NoticeClient } from '../../clients/notices';
import { delay, IrcUser, waitUntil } from '../harness';
import { joinedUser, queueNotice, textsOn } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let client: NoticeClient;
let bridge: Bridge | undefined;
const users: IrcUser[] = [];

beforeAll(async () => {
  stack = await startStack({ startBridge: false });
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  await bridge?.stop();
  for (const user of users) user.destroy();
  await client?.close();
  await stack?.stop();
});



it('drops notices that went stale in the send queue during an IRC outage, and sends the next ones', async () => {
  const alice = await joinedUser(stack.irc, users, 'alice');
  // Two lines at once (notice 1 and the PING that proves it), then one every
  // 2 s, so the second and third notice wait in the send queue.
  const config = { ...stack.config, sendBurst: 2, sendRate: 0.5, noticeMaxAgeSeconds: 5 };
  bridge = new Bridge(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'stale-bot'), { joinTimeoutMs: 3000 });
  await bridge.start();
  await waitUntil(() => bridge!.status().ircReady, 20000, 'the bot to join');

  const first = await queueNotice(client, ['#test'], 'stale-test 1');
  await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'stale-test 1', 15000);
  // Sent once the server proved it got it (the PONG of a PING written after it).
  await waitUntil(async () => (await client.fate(first))?.state === 'sent', 10000, 'notice 1 to be confirmed');
  // Notice 1 and its PING used the burst: the next two wait in the send queue for the rate limit.
  const second = await queueNotice(client, ['#test'], 'stale-test 2');
  const third = await queueNotice(client, ['#test'], 'stale-test 3');
  await waitUntil(() => bridge!.status().queueDepth === 2, 5000, 'notices 2 and 3 to wait in the send queue');
  await stack.irc.kill();
  await waitUntil(() => !bridge!.status().ircRegistered, 10000, 'the bot to notice the outage');

  await delay(6000); // the outage outlasts the maximum age of 5 s
  await stack.irc.restart();
  const bob = await joinedUser(stack.irc, users, 'bob');
  await waitUntil(() => bridge!.status().ircReady, 20000, 'the bot to reconnect and rejoin');

  await waitUntil(async () => (await client.fate(third))?.state === 'expired', 10000, 'notice 3 to be marked expired');
  expect(await client.fate(first)).toMatchObject({ state: 'sent' });
  expect(await client.fate(second)).toMatchObject({ state: 'expired', code: 'expired' });
  expect((await client.fate(third))?.reason).toMatch(/maximum age of 5 s/);

  // The bot sends again, and nothing stale went out before the fresh notice.
  const fresh = await queueNotice(client, ['#test'], 'stale-test 4');
  await bob.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'stale-test 4', 15000);
  expect(textsOn(bob, '#test').filter((t) => t.startsWith('stale-test'))).toEqual(['stale-test 4']);
  await waitUntil(async () => (await client.fate(fresh))?.state === 'sent', 10000, 'notice 4 to be confirmed');
  await waitUntil(async () => (await bridge!.metrics.value(bridge!.metrics.notices, { state: 'expired' })) === 2, 5000, 'two notices counted as expired');
});
