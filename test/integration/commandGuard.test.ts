/**
 * The bot's command guard on a real ngircd, which has no IRCv3 account
 * capabilities: hostmask admins (ZEN_ADMINS) from the message prefix, with
 * account rules falling back to WHOIS; ZEN_IGNORE (an ignored sender
 * publishes nothing on `in`); and the per-sender command rate limit: a flood
 * of `!woot` gets one "slow down" and the services see only what passes.
 */
import { createLogger } from '@zenrelay/runtime';
import { bundledServices, RunningService } from '../../services';
import { connectUser, delay, IrcUser, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

const BURST = 3;
const QUIET_MS = 1500;
const SLOW_DOWN = /^Slow down/;

let stack: Stack;
const running: RunningService[] = [];
const users: IrcUser[] = [];

async function user(nick: string, username: string): Promise<IrcUser> {
  const u = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick, username });
  users.push(u);
  await u.join('#test');
  return u;
}

const fromBot = (u: IrcUser, since: number) => u.lines.slice(since).filter((l) => (l.command === 'PRIVMSG' || l.command === 'NOTICE') && l.nick === stack.bridge?.status().nick);

beforeAll(async () => {
  stack = await startStack({
    ngircdNoPenalty: true,
    env: {
      IRC_SEND_RATE: '50',
      IRC_SEND_BURST: '20',
      ZEN_ADMINS: 'account:nobody, *!*ops@127.0.0.1',
      ZEN_IGNORE: 'ignored!*@*',
      ZEN_COMMAND_RATE: '0.1',
      ZEN_COMMAND_BURST: String(BURST),
      ZEN_CHANNEL_COMMAND_RATE: '0',
    },
  });
  const context = {
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    env: { ZEN_SERVICE_HEARTBEAT_MS: '300', ZEN_SERVICE_TTL_MS: '3000' },
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-service'),
  };
  running.push(await bundledServices.admin.start(context), await bundledServices.hello.start(context));
});

afterAll(async () => {
  for (const s of running) await s.close();
  for (const u of users) u.destroy();
  await stack?.stop();
});

it('a hostmask admin joins a channel; someone else is refused, after the bot asked the server (WHOIS) for their account', async () => {
  const op = await user('opsy', 'ops');
  const plain = await user('plain', 'plain');
  const whoisBefore = await stack.bridge!.metrics.value(stack.bridge!.metrics.linesOut, { command: 'WHOIS' });

  let since = op.mark();
  op.say('#test', '!join #side');
  await op.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'Joined #side.', 10000, since);
  expect(stack.bridge?.status().channels.map((c) => c.toLowerCase())).toContain('#side');
  const opEvent = await stack.probe.waitForEvent('directed_privmsg', (d) => d.sender === 'opsy');
  expect(opEvent.data.admin).toBe(true);

  since = plain.mark();
  plain.say('#test', '!part #side');
  await plain.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'Sorry, !part is for admins only.', 10000, since);
  const plainEvent = await stack.probe.waitForEvent('directed_privmsg', (d) => d.sender === 'plain');
  expect(plainEvent.data.admin).toBe(false);
  expect(plainEvent.data).not.toHaveProperty('account');
  expect(stack.bridge?.status().channels.map((c) => c.toLowerCase())).toContain('#side');
  // No account tag on this server: only the server's WHOIS answer could have named an account.
  expect(await stack.bridge!.metrics.value(stack.bridge!.metrics.linesOut, { command: 'WHOIS' })).toBeGreaterThan(whoisBefore);
});

it('ZEN_IGNORE: an ignored sender publishes nothing on in, commands included', async () => {
  const ignored = await user('ignored', 'ig');
  const carol = await user('carol', 'carol');
  const since = ignored.mark();
  ignored.say('#test', '!woot');
  ignored.say('#test', 'hello');
  ignored.say('zenbot', 'woot');
  carol.say('#test', 'after the ignored ones');
  await stack.probe.waitForEvent('privmsg', (d) => d.sender === 'carol' && d.message === 'after the ignored ones');
  await delay(QUIET_MS);
  expect(stack.probe.events.filter((e) => e.type !== 'join' && 'sender' in e.data && e.data.sender === 'ignored')).toEqual([]);
  expect(fromBot(ignored, since)).toEqual([]);
});

it('a flood of !woot gets at most one "slow down", and the services see only what passes', async () => {
  const flooder = await user('flooder', 'flood');
  const since = flooder.mark();
  const started = Date.now();
  for (let i = 0; i < 30; i++) flooder.say('#test', '!woot');
  await flooder.waitFor((l) => l.command === 'NOTICE' && SLOW_DOWN.test(l.params[1] ?? ''), 10000, since);
  await stack.probe.waitForEvent('privmsg', (d) => d.sender === 'flooder' && d.message === '!woot');
  await waitUntil(() => stack.probe.of('privmsg').filter((e) => e.data.sender === 'flooder').length === 30, 10000, 'all 30 privmsg events');
  await delay(QUIET_MS);
  const elapsedSeconds = (Date.now() - started) / 1000;
  const allowed = BURST + Math.ceil(elapsedSeconds * 0.1);
  const directed = stack.probe.of('directed_privmsg').filter((e) => e.data.sender === 'flooder');
  expect(directed.length).toBeGreaterThanOrEqual(BURST);
  expect(directed.length).toBeLessThanOrEqual(allowed);
  const answers = fromBot(flooder, since);
  expect(answers.filter((l) => l.command === 'NOTICE' && SLOW_DOWN.test(l.params[1] ?? ''))).toHaveLength(1);
  expect(answers.filter((l) => l.params[1] === 'Indeed!')).toHaveLength(directed.length);

  // The same flood again, within the minute: no second "slow down".
  const again = flooder.mark();
  for (let i = 0; i < 10; i++) flooder.say('#test', '!woot');
  await waitUntil(() => stack.probe.of('privmsg').filter((e) => e.data.sender === 'flooder').length === 40, 10000, 'all 40 privmsg events');
  await delay(QUIET_MS);
  expect(fromBot(flooder, again).filter((l) => l.command === 'NOTICE')).toEqual([]);
});
