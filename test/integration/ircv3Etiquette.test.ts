/**
 * Bot etiquette and message ids on a real InspIRCd 3 (with m_botmode): the
 * bot sets the network's bot mode (ISUPPORT BOT=B) on connect; a message
 * carrying another bot's bot tag is published as `privmsg` (marked `bot`)
 * but never as a command (`directed_privmsg`); every `in` message carries
 * the server's `msgid`, and a service's reply (SDK `c.reply`) is threaded to
 * it with the `+draft/reply` client tag, which a client that requested
 * message-tags sees. A standard reply (FAIL) is published as an error event.
 */
import { createLogger } from '@zenrelay/runtime';
import { connect, type ZenClient } from '@zenrelay/sdk';
import { connectUser, IrcUser, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let alice: IrcUser;
let robo: IrcUser;
const users: IrcUser[] = [];

async function user(nick: string): Promise<IrcUser> {
  const u = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick, caps: ['message-tags'] });
  users.push(u);
  await u.join('#test');
  return u;
}

beforeAll(async () => {
  stack = await startStack({
    irc: 'inspircd',
    inspircd: { extraModules: ['botmode', 'setname'], floodThreshold: 1000, commandRate: 100_000, extraConfig: '<setname operonly="no">' },
    env: { IRC_SEND_RATE: '20', IRC_SEND_BURST: '10', ZEN_RAW_ALLOW: 'JOIN,PART,SETNAME' },
  });
  alice = await user('alice');
  robo = await user('robo');
  robo.send('MODE robo +B');
  await robo.waitFor((l) => l.command === 'MODE' && l.params[0] === 'robo' && (l.params[1] ?? '').includes('B'));
});

let service: ZenClient | undefined;

afterAll(async () => {
  await service?.close();
  for (const u of users) u.destroy();
  await stack?.stop();
});

it('sets the bot mode the network advertises (BOT=B)', async () => {
  await waitUntil(
    async () => {
      const since = alice.mark();
      alice.send('WHOIS zenbot');
      const end = await alice.waitFor((l) => l.command === '318');
      return alice.lines.slice(since, end.index).some((l) => l.command === '335');
    },
    10000,
    'WHOIS zenbot to say it is a bot (335)',
    300,
  );
});

it("publishes another bot's message as privmsg marked bot, never as a command", async () => {
  robo.say('#test', 'zenbot: help');
  robo.say('#test', '!services');
  alice.say('#test', '!ping');
  await stack.probe.waitForEvent('directed_privmsg', (d) => d.sender === 'alice' && d.message === 'ping');
  const fromRobo = stack.probe.of('privmsg').filter((e) => e.data.sender === 'robo');
  expect(fromRobo.map((e) => e.data.message)).toEqual(['zenbot: help', '!services']);
  expect(fromRobo.every((e) => e.data.bot === true)).toBe(true);
  expect(stack.probe.of('directed_privmsg').filter((e) => e.data.sender === 'robo')).toEqual([]);
  expect(stack.probe.of('privmsg').find((e) => e.data.sender === 'alice')?.data.bot).toBeUndefined();
});

it('carries the msgid the server gave each message', async () => {
  robo.mark();
  alice.say('#test', 'with an id');
  const seen = await robo.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'with an id');
  expect(seen.tags.msgid).toBeTruthy();
  const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'with an id');
  expect(event.data.msgid).toBe(seen.tags.msgid);
});

it("threads a service's reply to the command's msgid (+draft/reply)", async () => {
  service = await connect({ redisUrl: stack.redis.url, env: {}, name: 'threads', logger: createLogger('silent', 'threads') });
  service.command('echo', (c) => c.reply(`you said ${c.args}`));
  await waitUntil(async () => (await stack.probe.subscribers(stack.names.in)) >= 2, 10000, 'the service to subscribe');
  robo.mark();
  alice.mark();
  alice.say('#test', '!echo threaded');
  const asked = await robo.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === '!echo threaded');
  const answer = await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === 'you said threaded', 10000);
  expect(asked.tags.msgid).toBeTruthy();
  expect(answer.tags['+draft/reply']).toBe(asked.tags.msgid);
  // A plain say is not threaded.
  await stack.probe.say('#test', 'not a reply');
  const plain = await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'not a reply');
  expect(plain.tags['+draft/reply']).toBeUndefined();
});

it('publishes an IRCv3 FAIL standard reply as an error event', async () => {
  await stack.probe.publish({ version: 1, type: 'raw', command: `SETNAME :${'x'.repeat(400)}` });
  const error = await stack.probe.waitForError((d) => d.source === 'irc');
  expect(error.data).toMatchObject({ code: 'irc_fail', source: 'irc' });
  expect(error.data.reason).toMatch(/^SETNAME INVALID_REALNAME: /);
  expect(error.data.input).toMatch(/^(@\S+ )?:\S+ FAIL SETNAME INVALID_REALNAME/);
});
