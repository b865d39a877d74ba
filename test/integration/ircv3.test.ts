/**
 * IRCv3 extras on a real InspIRCd 3 with real Atheme services linked to it:
 * `time` (server-time), `account` (account-tag, extended-join), `host` and
 * `ident` ride along in `in` events; the bot logs in with SASL PLAIN
 * (IRC_SASL_ACCOUNT / IRC_SASL_PASSWORD) before it joins its channels, and a
 * wrong password is reported without stopping the bot.
 */
import pino from 'pino';
import { Bridge } from '../../bot/bridge';
import { loadBotConfig } from '../../bot/config';
import {
  AthemeServices,
  connectUser,
  createAccount,
  identify,
  InspircdServer,
  IrcUser,
  ParsedLine,
  registerAccount,
  startAtheme,
  waitUntil,
} from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

const BOT_ACCOUNT = 'relaybot';
const BOT_PASSWORD = 'relaybot-secret';
const ALICE_PASSWORD = 'alice-secret';

let stack: Stack;
let services: AthemeServices;
/** In #test before the bot joins; sees tags (server-time, account-tag) and extended JOINs. */
let watcher: IrcUser;
/** Registered with NickServ, so logged in to the account "alice". */
let alice: IrcUser;
/** Not logged in. */
let carol: IrcUser;
const users: IrcUser[] = [];

async function user(nick: string, caps?: string[]): Promise<IrcUser> {
  const u = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick, caps });
  users.push(u);
  return u;
}

/** WHOIS `nick` from the watcher: the lines up to 318 (end of WHOIS). */
const whois = (nick: string): Promise<ParsedLine[]> => watcher.whois(nick);

const loggedInAs = (lines: ParsedLine[]) => lines.find((l) => l.command === '330')?.params[2];

interface LogEntry {
  level: number;
  msg: string;
  reason?: string;
  account?: string;
}

/**
 * Starts another bridge as `nick` with SASL password `password`, its own
 * namespace (its events stay off the main probe) and its log captured;
 * resolves once it is on IRC and in #test.
 */
async function extraBridge(nick: string, password: string): Promise<{ bridge: Bridge; log(): LogEntry[]; text(): string }> {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const config = loadBotConfig({
    IRC_HOST: stack.irc.host,
    IRC_PORT: String(stack.irc.port),
    REDIS_URL: stack.redis.url,
    IRC_NICK: nick,
    IRC_CHANNELS: '#test',
    IRC_SASL_ACCOUNT: BOT_ACCOUNT,
    IRC_SASL_PASSWORD: password,
    ZEN_NAMESPACE: nick,
  });
  const bridge = new Bridge(config, logger, { joinTimeoutMs: 3000 });
  try {
    await bridge.start();
    await waitUntil(() => bridge.status().ircReady, 20000, `the bridge ${nick} to be on IRC`);
  } catch (err) {
    await bridge.stop();
    throw err;
  }
  return { bridge, log: () => lines.map((l) => JSON.parse(l) as LogEntry), text: () => lines.join('') };
}

beforeAll(async () => {
  stack = await startStack({
    irc: 'inspircd',
    inspircd: { services: {} },
    startBridge: false,
    env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20', IRC_SASL_ACCOUNT: BOT_ACCOUNT, IRC_SASL_PASSWORD: BOT_PASSWORD },
  });
  const link = (stack.irc as InspircdServer).services;
  if (!link) throw new Error('InspIRCd was started without a services link');
  services = await startAtheme({ link });
  await createAccount(stack.irc.host, stack.irc.port, BOT_ACCOUNT, BOT_PASSWORD);

  watcher = await user('watcher', ['server-time', 'account-tag', 'extended-join']);
  await watcher.join('#test');
  alice = await user('alice');
  await registerAccount(alice, ALICE_PASSWORD);
  await alice.join('#test');
  carol = await user('carol');
  await carol.join('#test');

  await stack.startBridge();
});

afterAll(async () => {
  for (const u of users) u.destroy();
  await services?.stop();
  await stack?.stop();
});

describe('server-time: time rides along', () => {
  it('gives a privmsg the time the server stamped on it, as ISO 8601', async () => {
    const since = watcher.mark();
    const before = Date.now();
    alice.say('#test', 'what time is it');
    const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'what time is it');
    const seen = await watcher.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'what time is it', 10000, since);
    expect(seen.tags.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(event.data.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The same instant the server stamped on the line for everyone.
    expect(event.data.time).toBe(new Date(seen.tags.time).toISOString());
    const stamped = Date.parse(event.data.time ?? '');
    expect(stamped).toBeGreaterThanOrEqual(before - 2000);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 2000);
  });
});

describe('account-tag: account, host and ident ride along', () => {
  it('names the services account of a logged-in sender, with host and ident', async () => {
    const since = watcher.mark();
    alice.say('#test', 'signed by alice');
    const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'signed by alice');
    const seen = await watcher.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'signed by alice', 10000, since);
    expect(seen.tags.account).toBe('alice');
    expect(event.data).toMatchObject({ sender: 'alice', channel: '#test', account: 'alice', host: '127.0.0.1', ident: seen.user });
    expect(event.data.ident).toMatch(/alice/);
  });

  it('names the account, not the nick, when they differ (IDENTIFY to another account)', async () => {
    const dave = await user('dave');
    await identify(dave, 'alice', ALICE_PASSWORD);
    dave.say('zenbot', 'hello from dave');
    const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'hello from dave');
    expect(event.data).toMatchObject({ sender: 'dave', channel: 'dave', account: 'alice', host: '127.0.0.1' });
  });

  it('has no account field for a sender who is not logged in, but host and ident', async () => {
    carol.say('#test', 'anonymous words');
    const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'anonymous words');
    expect(event.data).not.toHaveProperty('account');
    expect(event.data).toMatchObject({ sender: 'carol', host: '127.0.0.1', ident: expect.stringMatching(/carol/) });
    expect(event.data.time).toEqual(expect.any(String));
  });
});

describe('extended-join: account in join events', () => {
  it('gives a logged-in user’s join the account, a guest’s join none', async () => {
    const erin = await user('erin');
    await identify(erin, 'alice', ALICE_PASSWORD);
    await erin.join('#test');
    const frank = await user('frank');
    await frank.join('#test');
    const erinJoin = await stack.probe.waitForEvent('join', (d) => d.sender === 'erin');
    const frankJoin = await stack.probe.waitForEvent('join', (d) => d.sender === 'frank');
    expect(erinJoin.data).toMatchObject({ channel: '#test', account: 'alice', host: '127.0.0.1' });
    expect(frankJoin.data).not.toHaveProperty('account');
    expect(frankJoin.data).toMatchObject({ channel: '#test', host: '127.0.0.1' });
  });
});

describe('SASL: the bot logs in to IRC_SASL_ACCOUNT', () => {
  it('is logged in before it joins: its JOIN already carries the account', async () => {
    // The watcher was in #test before the bridge started; extended-join puts the account in JOIN.
    const join = await watcher.waitFor((l) => l.command === 'JOIN' && l.nick === 'zenbot', 10000, 0);
    expect(join.params).toEqual(['#test', BOT_ACCOUNT, expect.any(String)]);
    expect(join.tags.account).toBe(BOT_ACCOUNT);
    // The bot's own join event says so too.
    const own = await stack.probe.waitForEvent('join', (d) => d.sender === 'zenbot');
    expect(own.data.account).toBe(BOT_ACCOUNT);
  });

  it('shows as logged in on WHOIS (330) and in Atheme’s log', async () => {
    expect(loggedInAs(await whois('zenbot'))).toBe(BOT_ACCOUNT);
    // e.g. "SaslServ relaybot/AAAAAAAAB:zenbot!zenrelay@127.0.0.1[127.0.0.1] LOGIN (PLAIN)"
    const saslLogin = new RegExp(`SaslServ ${BOT_ACCOUNT}/\\S+:zenbot!\\S+ LOGIN \\(PLAIN\\)`);
    await waitUntil(() => saslLogin.test(services.log()), 5000, `Atheme to log the SASL login\n${services.log()}`);
  });

  it('sends its messages tagged with the account', async () => {
    const since = watcher.mark();
    await stack.probe.say('#test', 'the bot speaks');
    const seen = await watcher.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === 'the bot speaks', 10000, since);
    expect(seen.tags.account).toBe(BOT_ACCOUNT);
  });

  it('with a wrong password: logs a clear error, goes on without an account, does not crash', async () => {
    const since = watcher.mark();
    const { bridge, log, text } = await extraBridge('wrongbot', 'not-the-password');
    try {
      expect(log().filter((e) => /SASL/.test(e.msg))).toEqual([
        expect.objectContaining({ level: 50, reason: 'fail', msg: expect.stringMatching(/^SASL authentication failed: the server rejected the credentials; check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD/) }),
      ]);
      expect(log().some((e) => e.msg === 'logged in to services')).toBe(false);
      expect(text()).not.toContain('not-the-password');
      const join = await watcher.waitFor((l) => l.command === 'JOIN' && l.nick === 'wrongbot', 10000, since);
      expect(join.params[1]).toBe('*');
      expect(loggedInAs(await whois('wrongbot'))).toBeUndefined();
      expect(bridge.status()).toMatchObject({ ircReady: true, redis: true, nick: 'wrongbot' });
    } finally {
      await bridge.stop();
    }
  });

  it('logs the login with the right password', async () => {
    const { bridge, log } = await extraBridge('rightbot', BOT_PASSWORD);
    try {
      expect(log()).toContainEqual(expect.objectContaining({ level: 30, msg: 'logged in to services', account: BOT_ACCOUNT }));
      expect(log().some((e) => /SASL/.test(e.msg))).toBe(false);
      expect(loggedInAs(await whois('rightbot'))).toBe(BOT_ACCOUNT);
    } finally {
      await bridge.stop();
    }
  });
});

// Last: stops the services.
describe('SASL while services are down', () => {
  it('says the server offers no SASL instead of blaming the password, and goes on', async () => {
    await services.stop();
    // InspIRCd hides the sasl cap once the SASL target server is gone.
    await waitUntil(
      async () => {
        const probe = await user(`capcheck${users.length}`, ['server-time']);
        const offered = probe.offeredCaps.has('sasl');
        probe.destroy();
        return !offered;
      },
      10000,
      'InspIRCd to stop offering sasl',
    );
    const { bridge, log } = await extraBridge('downbot', BOT_PASSWORD);
    try {
      expect(log().filter((e) => /SASL/.test(e.msg))).toEqual([
        expect.objectContaining({ level: 50, reason: 'capability_missing', msg: expect.stringMatching(/the server offers no SASL \(services down or not linked\?\)/) }),
      ]);
      expect(log().some((e) => /IRC_SASL_PASSWORD/.test(e.msg))).toBe(false);
      expect(bridge.status()).toMatchObject({ ircReady: true, nick: 'downbot' });
    } finally {
      await bridge.stop();
    }
  });
});
