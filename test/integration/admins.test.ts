/**
 * Admins and the admin service on a real InspIRCd 3 with real Atheme
 * services: ZEN_ADMINS=account:alice. Alice, identified to NickServ, makes
 * the bot join and part a channel; someone else using the nick `alice`
 * (not identified) gets one refusal and the bot does nothing. The bot sets
 * `admin` (and `account`) on every directed_privmsg; every admin command,
 * refused ones included, is published on `zenrelay:audit`. `!ignore` at
 * runtime silences a mask, and the ignore list outlives a bot restart.
 */
import { Redis } from 'ioredis';
import { auditEvent, type AuditEvent } from '@zenrelay/protocol';
import { createLogger } from '@zenrelay/runtime';
import { bundledServices, RunningService } from '../../services';
import { AthemeServices, connectUser, delay, InspircdServer, IrcUser, registerAccount, startAtheme, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const QUIET_MS = 1500;

let stack: Stack;
let services: AthemeServices;
let admin: RunningService;
let auditSub: Redis;
const audits: AuditEvent[] = [];
const users: IrcUser[] = [];
/** Identified to the account "alice"; renamed to alice_ops so someone else can take the nick. */
let alice: IrcUser;
let impostor: IrcUser;
let carol: IrcUser;

async function user(nick: string, username?: string): Promise<IrcUser> {
  const u = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick, username });
  users.push(u);
  return u;
}

/** Says `text` in #test as `u` and waits for the bot's answer to `u`'s nick or in #test. */
async function ask(u: IrcUser, text: string, answer: RegExp): Promise<string> {
  const since = u.mark();
  u.say('#test', text);
  const line = await u.waitFor((l) => l.command === 'PRIVMSG' && l.nick === stack.bridge?.status().nick && answer.test(l.params[1] ?? ''), 15000, since);
  return line.params[1] ?? '';
}

beforeAll(async () => {
  stack = await startStack({
    irc: 'inspircd',
    inspircd: { services: {}, floodThreshold: 200, commandRate: 50000 },
    startBridge: false,
    env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20', ZEN_ADMINS: 'account:alice', ZEN_COMMAND_RATE: '0' },
  });
  const link = (stack.irc as InspircdServer).services;
  if (!link) throw new Error('InspIRCd was started without a services link');
  services = await startAtheme({ link });
  alice = await user('alice');
  await registerAccount(alice, 'alice-secret');
  await alice.join('#test');
  alice.send('NICK alice_ops');
  await alice.waitFor((l) => l.command === 'NICK' && l.params[0] === 'alice_ops');
  impostor = await user('alice', 'mallory');
  await impostor.join('#test');
  carol = await user('carol');
  await carol.join('#test');
  await stack.startBridge();
  auditSub = new Redis(stack.redis.url, { lazyConnect: true });
  await auditSub.connect();
  auditSub.on('message', (_channel: string, message: string) => audits.push(auditEvent.parse(JSON.parse(message)) as AuditEvent));
  await auditSub.subscribe(stack.names.audit);
  admin = await bundledServices.admin.start({
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    env: { ZEN_SERVICE_HEARTBEAT_MS: '300', ZEN_SERVICE_TTL_MS: '3000' },
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-admin'),
  });
});

afterAll(async () => {
  await admin?.close();
  auditSub?.disconnect();
  for (const u of users) u.destroy();
  await services?.stop();
  await stack?.stop();
});

it('an identified admin account makes the bot join a channel; the event says admin and the account', async () => {
  expect(await ask(alice, '!join #ops', /^Joined #ops\.$|already/)).toBe('Joined #ops.');
  expect(stack.bridge?.status().channels.map((c) => c.toLowerCase())).toContain('#ops');
  const event = await stack.probe.waitForEvent('directed_privmsg', (d) => d.sender === 'alice_ops' && d.message === '!join #ops'.slice(1));
  expect(event.data).toMatchObject({ admin: true, account: 'alice' });
  await waitUntil(() => audits.some((a) => a.data.action === 'join' && a.data.outcome === 'done'), 5000, 'the join audit event');
  expect(audits.find((a) => a.data.action === 'join' && a.data.outcome === 'done')?.data).toMatchObject({ actor: 'alice_ops', account: 'alice', admin: true, where: '#test', args: '#ops', service: 'admin' });
});

it('someone else with the nick alice (not identified) gets one refusal, however often, and the bot stays out', async () => {
  const since = impostor.mark();
  for (let i = 0; i < 3; i++) impostor.say('#test', '!join #evil');
  await impostor.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'Sorry, !join is for admins only.', 10000, since);
  await waitUntil(() => audits.filter((a) => a.data.outcome === 'refused').length >= 3, 5000, 'three refused audit events');
  await delay(QUIET_MS);
  const answers = impostor.privmsgs(stack.bridge?.status().nick, since).map((m) => m.text).filter((t) => /admins|#evil/.test(t));
  expect(answers).toEqual(['Sorry, !join is for admins only.']);
  expect(stack.bridge?.status().channels.map((c) => c.toLowerCase())).not.toContain('#evil');
  const events = stack.probe.of('directed_privmsg').filter((e) => e.data.sender === 'alice');
  expect(events).toHaveLength(3);
  for (const e of events) {
    expect(e.data.admin).toBe(false);
    expect(e.data).not.toHaveProperty('account');
  }
  expect(audits.filter((a) => a.data.outcome === 'refused')[0].data).toMatchObject({ action: 'join', actor: 'alice', admin: false, args: '#evil' });
});

it('an admin can part a joined channel, but not one of IRC_CHANNELS; bad input gets a usage line', async () => {
  expect(await ask(alice, '!part #ops', /^Left|could not|not in/)).toBe('Left #ops.');
  expect(stack.bridge?.status().channels.map((c) => c.toLowerCase())).not.toContain('#ops');
  expect(await ask(alice, '!part #test', /IRC_CHANNELS/)).toMatch(/#test is in IRC_CHANNELS/);
  expect(await ask(alice, '!join', /^Usage/)).toBe('Usage: !join <#channel>');
  expect(await ask(alice, '!join nochannel', /not a channel/)).toMatch(/"nochannel" is not a channel name/);
  await waitUntil(() => audits.some((a) => a.data.action === 'part' && a.data.outcome === 'failed'), 5000, 'a failed part audit event');
});

it('!say speaks through the bot, for admins only', async () => {
  const since = carol.mark();
  expect(await ask(alice, '!say #test hello from the admins', /^Said/)).toBe('Said to #test.');
  await carol.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'hello from the admins', 10000, since);
  // The impostor was told a minute ago (!join): no second refusal, only the audit trail.
  const refusalsBefore = impostor.privmsgs(stack.bridge?.status().nick).filter((m) => /admins only/.test(m.text)).length;
  impostor.say('#test', '!say #test pwned');
  await waitUntil(() => audits.some((a) => a.data.action === 'say' && a.data.outcome === 'refused' && a.data.args === '#test pwned'), 5000, 'the refused say audit event');
  await delay(QUIET_MS);
  expect(impostor.privmsgs(stack.bridge?.status().nick).filter((m) => /admins only/.test(m.text))).toHaveLength(refusalsBefore);
  expect(carol.privmsgs(undefined, since).map((m) => m.text)).not.toContain('pwned');
});

it('!ignore silences a mask at once and across a bot restart; !unignore lifts it', async () => {
  const spammer = await user('spammer', 'spam');
  await spammer.join('#test');
  expect(await ask(alice, '!ignore spammer!*@*', /Ignoring|already/)).toBe('Ignoring spammer!*@*.');
  expect(await stack.probe.pub.smembers(stack.names.ignoreKey)).toEqual(['spammer!*@*']);

  const quietFromSpammer = async (marker: string) => {
    spammer.say('#test', '!woot');
    spammer.say('#test', `spam ${marker}`);
    carol.say('#test', marker);
    await stack.probe.waitForEvent('privmsg', (d) => d.sender === 'carol' && d.message === marker);
    await delay(300);
    return stack.probe.events.filter((e) => 'sender' in e.data && e.data.sender === 'spammer' && e.type !== 'join');
  };
  expect(await quietFromSpammer('marker-1')).toEqual([]);

  await stack.stopBridge();
  await stack.startBridge();
  expect(await quietFromSpammer('marker-2')).toEqual([]);
  expect(await ask(alice, '!ignore', /^Ignored|Nobody/)).toBe('Ignored: spammer!*@*');

  expect(await ask(alice, '!unignore spammer!*@*', /No longer|not ignored/)).toBe('No longer ignoring spammer!*@*.');
  spammer.say('#test', 'heard again');
  await stack.probe.waitForEvent('privmsg', (d) => d.sender === 'spammer' && d.message === 'heard again');
});

it('!nick changes the bot nick, and it keeps the new one', async () => {
  expect(await ask(alice, '!nick zenbot2', /I am|taken|refuses/)).toBe('I am zenbot2 now (was zenbot).');
  expect(stack.bridge?.status().nick).toBe('zenbot2');
  expect(await ask(alice, '!nick carol', /I am|taken|refuses/)).toBe('carol is taken');
  await waitUntil(() => audits.some((a) => a.data.action === 'nick' && a.data.outcome === 'done'), 5000, 'the nick audit event');
});
