/**
 * Text on `out` cannot make the bot send a CTCP request: a service that
 * echoes user text (`\x01VERSION\x01`, `\x01DCC SEND …\x01`) makes the bot
 * say the plain text. A real IRC user on a real ngircd checks what arrives.
 */
import { connectUser, IrcUser } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let alice: IrcUser;

beforeAll(async () => {
  stack = await startStack({ env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
});

afterAll(async () => {
  alice?.destroy();
  await stack?.stop();
});

const fromBot = (command: string, text: string) => (l: { command: string; nick?: string; params: string[] }) =>
  l.command === command && l.nick === 'zenbot' && l.params[1] === text;

it.each([
  ['privmsg', 'PRIVMSG', 'alice', '\u0001VERSION\u0001', 'VERSION'],
  ['notice', 'NOTICE', 'alice', '\u0001PING 123\u0001', 'PING 123'],
  ['privmsg', 'PRIVMSG', '#test', 'look \u0001DCC SEND evil 2130706433 1 1\u0001', 'look DCC SEND evil 2130706433 1 1'],
])('%s text with CTCP delimiters reaches IRC as plain text', async (type, command, to, message, expected) => {
  alice.mark();
  await stack.probe.publish({ version: 1, type, data: { to, message } });
  const line = await alice.waitFor(fromBot(command, expected));
  expect(line.params[1]).not.toContain('\x01');
});

it('an action is still a CTCP ACTION, with no second CTCP inside', async () => {
  alice.mark();
  await stack.probe.publish({ version: 1, type: 'privmsg_action', data: { to: '#test', message: 'waves\u0001 \u0001VERSION' } });
  await alice.waitFor(fromBot('PRIVMSG', '\x01ACTION waves VERSION\x01'));
});

it('a message of CTCP delimiters only is rejected with a reason, not sent empty', async () => {
  await stack.probe.publish({ version: 1, type: 'privmsg', data: { to: '#test', message: '\u0001\u0001' } });
  const error = await stack.probe.waitForError((d) => d.code === 'empty_message');
  expect(error.data.reason).toMatch(/\\x01/);
});
