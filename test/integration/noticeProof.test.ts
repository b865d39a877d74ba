/**
 * "Sent" means the IRC server provably processed the notice, not that the
 * bot wrote it to a socket: ngircd is frozen (SIGSTOP) while notices flow at
 * 20 lines/s, so the bot's writes pile up in socket buffers and nothing
 * answers; the bot's ping timeout drops the connection, the server is
 * killed and restarted, and every notice still arrives (0 lost), none was
 * counted `sent` while the server was frozen, and every fate ends `sent`.
 *
 * The bot reaches ngircd through a TCP gate, so the IRC user is back in the
 * channel before the bot returns and re-sends.
 */
import { NoticeClient } from '../../clients/notices';
import { delay, IrcUser, waitUntil } from '../harness';
import { checkSequence, joinedUser, queueNotice, textsOn } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(120000);

const COUNT = 300;
let stack: Stack;
let client: NoticeClient;
const users: IrcUser[] = [];

beforeAll(async () => {
  stack = await startStack({
    startBridge: false,
    ngircdNoPenalty: true,
    gates: { irc: true },
    env: { IRC_PING_TIMEOUT: '5', IRC_SEND_RATE: '20', IRC_SEND_BURST: '20' },
  });
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  // A frozen server must be thawed to be stopped.
  if (stack?.irc.pid > 0) process.kill(stack.irc.pid, 'SIGCONT');
  for (const user of users) user.destroy();
  await client?.close();
  await stack?.stop();
});

it('loses no notice when the IRC server freezes and dies; none is counted sent while it is frozen', async () => {
  const alice = await joinedUser(stack.irc, users, 'alice');
  const bridge = await stack.startBridge();
  const sent = () => bridge.metrics.value(bridge.metrics.notices, { state: 'sent' });
  const ids: string[] = [];
  const publishing = (async () => {
    for (let i = 1; i <= COUNT; i++) {
      ids.push(await queueNotice(client, ['#test'], `frozen-${i}`));
      await delay(15);
    }
  })();

  await waitUntil(() => textsOn(alice, '#test').length >= 40, 30000, 'notices to flow before the freeze');
  process.kill(stack.irc.pid, 'SIGSTOP');
  await delay(500); // replies already on their way over loopback are in
  const sentAtFreeze = await sent();
  await waitUntil(() => !bridge.status().ircRegistered, 30000, 'the bot to give up on the frozen server (ping timeout)');
  // Nothing the frozen server never answered was called sent.
  expect(await sent()).toBe(sentAtFreeze);
  expect(sentAtFreeze).toBeLessThanOrEqual(textsOn(alice, '#test').length);

  stack.ircGate?.close();
  stack.ircGate?.dropAll();
  await stack.irc.kill();
  await stack.irc.restart();
  const bob = await joinedUser(stack.irc, users, 'bob');
  stack.ircGate?.open();
  await publishing;

  const received = () => [...textsOn(alice, '#test'), ...textsOn(bob, '#test')];
  await waitUntil(() => checkSequence(received(), 'frozen-', COUNT).missing.length === 0, 60000, `all ${COUNT} notices to arrive`);
  const result = checkSequence(received(), 'frozen-', COUNT);
  expect(result.missing).toEqual([]);
  expect(result.outOfRange).toEqual([]);

  await waitUntil(async () => (await client.redis.xlen(stack.names.notices)) === 0, 30000, 'every notice to be acknowledged');
  const states = await Promise.all(ids.map((id) => client.fate(id).then((f) => f?.state)));
  expect(states.filter((s) => s !== 'sent')).toEqual([]);
  expect(await sent()).toBe(COUNT);
});
