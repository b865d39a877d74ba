/**
 * A notice already handed to the send queue when IRC goes down, and still
 * waiting there when it passes ZEN_NOTICE_MAX_AGE_SECONDS, is not sent when
 * the bot gets back: it is marked expired, like a stale backlog in Redis.
 */
import { Bridge } from '../../bot/bridge';
import { createLogger } from '../../bot/log';
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
  // One line every 2 s, so the second and third notice wait in the send queue.
  const config = { ...stack.config, sendBurst: 1, sendRate: 0.5, noticeMaxAgeSeconds: 3 };
  bridge = new Bridge(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'stale-bot'), { joinTimeoutMs: 3000 });
  await bridge.start();
  await waitUntil(() => bridge!.status().ircReady, 20000, 'the bot to join');

  const first = await queueNotice(client, ['#test'], 'stale-test 1');
  const second = await queueNotice(client, ['#test'], 'stale-test 2');
  const third = await queueNotice(client, ['#test'], 'stale-test 3');
  await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'stale-test 1', 10000);
  await waitUntil(() => bridge!.status().queueDepth === 2, 5000, 'notices 2 and 3 to wait in the send queue');
  await stack.irc.kill();
  await waitUntil(() => !bridge!.status().ircRegistered, 10000, 'the bot to notice the outage');

  await delay(4000); // the outage outlasts the maximum age of 3 s
  await stack.irc.restart();
  const bob = await joinedUser(stack.irc, users, 'bob');
  await waitUntil(() => bridge!.status().ircReady, 20000, 'the bot to reconnect and rejoin');

  await waitUntil(async () => (await client.fate(third))?.state === 'expired', 10000, 'notice 3 to be marked expired');
  expect(await client.fate(first)).toMatchObject({ state: 'sent' });
  expect(await client.fate(second)).toMatchObject({ state: 'expired', code: 'expired' });
  expect((await client.fate(third))?.reason).toMatch(/maximum age of 3 s/);

  // The bot sends again, and nothing stale went out before the fresh notice.
  const fresh = await queueNotice(client, ['#test'], 'stale-test 4');
  await bob.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'stale-test 4', 15000);
  expect(textsOn(bob, '#test').filter((t) => t.startsWith('stale-test'))).toEqual(['stale-test 4']);
  expect(await client.fate(fresh)).toMatchObject({ state: 'sent' });
  await waitUntil(async () => (await bridge!.metrics.value(bridge!.metrics.notices, { state: 'expired' })) === 2, 5000, 'two notices counted as expired');
});
