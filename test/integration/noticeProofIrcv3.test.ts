/**
 * On a server with IRCv3 `labeled-response` and `echo-message` (InspIRCd 3),
 * a durable notice is confirmed by the labelled echo of its line, and refused
 * by the labelled error reply, without any PING; the bot's own echoes are not
 * published on `in`.
 */
import { NoticeClient } from '../../clients/notices';
import { IrcUser, waitUntil } from '../harness';
import { joinedUser, queueNotice } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let client: NoticeClient;
let alice: IrcUser;
const users: IrcUser[] = [];

beforeAll(async () => {
  stack = await startStack({
    irc: 'inspircd',
    inspircd: { floodThreshold: 1000, commandRate: 100_000 },
    startBridge: false,
    env: { IRC_SEND_RATE: '20', IRC_SEND_BURST: '10' },
  });
  alice = await joinedUser(stack.irc, users, 'alice');
  await stack.startBridge();
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  for (const user of users) user.destroy();
  await client?.close();
  await stack?.stop();
});

it('negotiates labeled-response and echo-message', () => {
  const irc = stack.bridge!.irc;
  expect(irc.hasCap('labeled-response')).toBe(true);
  expect(irc.hasCap('echo-message')).toBe(true);
});

it('confirms notices by their labelled echo, with no PING', async () => {
  const bridge = stack.bridge!;
  const pingsBefore = bridge.delivery.barriersSent;
  const ids: string[] = [];
  for (let i = 1; i <= 10; i++) ids.push(await queueNotice(client, ['#test'], `echoed-${i}`));
  await alice.waitForCount((l) => l.command === 'PRIVMSG' && (l.params[1] ?? '').startsWith('echoed-'), 10, 15000);
  await waitUntil(async () => (await Promise.all(ids.map((id) => client.fate(id)))).every((f) => f?.state === 'sent'), 15000, 'every notice to be sent');
  expect(bridge.delivery.barriersSent).toBe(pingsBefore);
  // The label tag is the bot's business: the user sees a plain message.
  expect(alice.privmsgs('zenbot').every((m) => m.tags.label === undefined)).toBe(true);
  // The echoes of the bot's own lines are not published as user messages.
  expect(stack.probe.of('privmsg').filter((e) => e.data.sender.toLowerCase() === 'zenbot')).toEqual([]);
});

it('rejects a notice by the labelled error reply, naming the target', async () => {
  const id = await queueNotice(client, ['#test', 'ghostnick'], 'half of it');
  await waitUntil(async () => (await client.fate(id))?.state === 'rejected', 15000, 'the notice to be rejected');
  expect(await client.fate(id)).toMatchObject({
    state: 'rejected',
    code: 'no_such_nick',
    targets: [
      { target: '#test', state: 'sent' },
      { target: 'ghostnick', state: 'rejected', numeric: '401' },
    ],
  });
});
