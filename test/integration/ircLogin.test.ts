/**
 * Logging in for real, on a real InspIRCd 3 with real Atheme services:
 *
 * - IRC_SASL_REQUIRED=true with a wrong SASL password: the bot never joins
 *   (a user in the channel sees no JOIN), says why, disconnects and retries
 *   with growing delays; with the right one it joins logged in.
 * - IRC_SASL_REQUIRED=true where the server has no SASL at all (no services
 *   linked): says so, does not join.
 * - No SASL, IRC_NICKSERV_PASSWORD: NickServ IDENTIFY after connecting; when
 *   someone holds the bot's registered nick, GHOST takes it back.
 * - No SASL, IRC_NICKSERV_PASSWORD and IRC_SASL_REQUIRED: joins only after
 *   NickServ confirms the login; a wrong password quotes NickServ and retries.
 */
import {
  AthemeServices,
  connectUser,
  createAccount,
  InspircdServer,
  IrcUser,
  ParsedLine,
  startAtheme,
  startInspircd,
  waitUntil,
} from '../harness';
import { LoggedBridge, startLoggedBridge, WARN } from '../support/logBridge';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const SASL_ACCOUNT = 'loginbot';
const SASL_PASSWORD = 'loginbot-secret-1';
const NS_ACCOUNT = 'nsbot';
const NS_PASSWORD = 'nsbot-secret-2';
const WRONG_PASSWORD = 'wrong-secret-3';

let stack: Stack;
let services: AthemeServices;
let watcher: IrcUser;
const users: IrcUser[] = [];
const bots: LoggedBridge[] = [];

function env(nick: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    IRC_HOST: stack.irc.host,
    IRC_PORT: String(stack.irc.port),
    REDIS_URL: stack.redis.url,
    IRC_NICK: nick,
    IRC_CHANNELS: '#login',
    ZEN_NAMESPACE: nick,
    IRC_RECONNECT_MIN_MS: '200',
    IRC_RECONNECT_MAX_MS: '3000',
    ...extra,
  };
}

async function bot(nick: string, extra: Record<string, string>, ready = true, identifyTimeoutMs?: number): Promise<LoggedBridge> {
  const b = await startLoggedBridge(env(nick, extra), { ready, tuning: { identifyTimeoutMs } });
  bots.push(b);
  return b;
}

const whois = (nick: string): Promise<ParsedLine[]> => watcher.whois(nick);

const joinsBy = (nick: string, since: number) => watcher.lines.slice(since).filter((l) => l.command === 'JOIN' && l.nick?.toLowerCase() === nick.toLowerCase());

beforeAll(async () => {
  stack = await startStack({ irc: 'inspircd', inspircd: { services: {} }, startBridge: false });
  const link = (stack.irc as InspircdServer).services;
  if (!link) throw new Error('InspIRCd was started without a services link');
  services = await startAtheme({ link });
  await createAccount(stack.irc.host, stack.irc.port, SASL_ACCOUNT, SASL_PASSWORD);
  await createAccount(stack.irc.host, stack.irc.port, NS_ACCOUNT, NS_PASSWORD);
  watcher = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'watcher', caps: ['extended-join'] });
  users.push(watcher);
  await watcher.join('#login');
});

afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

afterAll(async () => {
  for (const u of users) u.destroy();
  await services?.stop();
  await stack?.stop();
});

describe('IRC_SASL_REQUIRED=true with SASL PLAIN', () => {
  it('with a wrong password: never joins, says the credentials were rejected, disconnects and retries with growing delays', async () => {
    const since = watcher.mark();
    const b = await bot('reqwrong', { IRC_SASL_ACCOUNT: SASL_ACCOUNT, IRC_SASL_PASSWORD: WRONG_PASSWORD, IRC_SASL_REQUIRED: 'true' }, false);
    const delays: number[] = [];
    b.bridge.irc.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    const failure = await b.waitForLog((e) => e.cause === 'sasl', 20000, 'a SASL failure');
    expect(failure.level).toBe(WARN);
    expect(failure.msg).toMatch(/^IRC: SASL PLAIN did not log the bot in: the server rejected the credentials; check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD; IRC_SASL_REQUIRED=true/);
    await waitUntil(() => delays.length >= 4, 30000, 'four reconnect attempts');
    // Exponential backoff with equal jitter: the ceiling doubles from 200 ms; attempt 3 waits at least half of 1600 ms.
    expect(delays[3]).toBeGreaterThanOrEqual(800);
    expect(b.bridge.status()).toMatchObject({ ircReady: false });
    expect(joinsBy('reqwrong', since)).toEqual([]);
    expect(b.text()).not.toContain(WRONG_PASSWORD);
  });

  it('with the right password: joins, already logged in', async () => {
    const since = watcher.mark();
    const b = await bot('reqright', { IRC_SASL_ACCOUNT: SASL_ACCOUNT, IRC_SASL_PASSWORD: SASL_PASSWORD, IRC_SASL_REQUIRED: 'true' });
    const join = await watcher.waitFor((l) => l.command === 'JOIN' && l.nick === 'reqright', 10000, since);
    expect(join.params[1]).toBe(SASL_ACCOUNT);
    expect(b.log().some((e) => e.cause === 'sasl')).toBe(false);
    expect(b.text()).not.toContain(SASL_PASSWORD);
  });
});

describe('IRC_SASL_REQUIRED=true on a server without SASL', () => {
  it('says the server offers no SASL and does not join', async () => {
    const bare = await startInspircd();
    try {
      const user = await connectUser({ host: bare.host, port: bare.port, nick: 'bareuser' });
      users.push(user);
      await user.join('#login');
      const since = user.mark();
      const b = await startLoggedBridge({ ...env('nosasl', { IRC_SASL_ACCOUNT: SASL_ACCOUNT, IRC_SASL_PASSWORD: SASL_PASSWORD, IRC_SASL_REQUIRED: 'true' }), IRC_PORT: String(bare.port) });
      bots.push(b);
      const failure = await b.waitForLog((e) => e.cause === 'sasl', 20000, 'a SASL failure');
      expect(failure.msg).toMatch(/SASL PLAIN did not log the bot in: the server offers no SASL/);
      expect(failure.msg).not.toMatch(/IRC_SASL_PASSWORD/);
      await waitUntil(() => b.reconnects() >= 2, 20000, 'reconnect attempts');
      expect(user.lines.slice(since).some((l) => l.command === 'JOIN' && l.nick === 'nosasl')).toBe(false);
      await b.stop();
    } finally {
      await bare.stop();
    }
  });
});

describe('NickServ, where there is no SASL (IRC_NICKSERV_PASSWORD)', () => {
  it('IDENTIFYs after connecting and GHOSTs whoever holds its registered nick, then takes the nick', async () => {
    const holder = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: NS_ACCOUNT });
    users.push(holder);
    const b = await bot(NS_ACCOUNT, { IRC_NICKSERV_PASSWORD: NS_PASSWORD });
    // Registered as nsbot_, since nsbot was taken.
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: 'registered on IRC', nick: `${NS_ACCOUNT}_` }));
    await waitUntil(() => holder.isClosed, 15000, 'the holder of the nick to be ghosted');
    expect(holder.closeReason ?? '').toMatch(/GHOST/i);
    await waitUntil(() => b.bridge.status().nick === NS_ACCOUNT, 15000, 'the bot to take its nick back');
    const lines = await whois(NS_ACCOUNT);
    expect(lines.find((l) => l.command === '330')?.params[2]).toBe(NS_ACCOUNT);
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: 'logged in to services', account: NS_ACCOUNT }));
    expect(b.text()).not.toContain(NS_PASSWORD);
  });

  it('with IRC_SASL_REQUIRED: joins only once NickServ confirmed the login (the JOIN carries the account)', async () => {
    const since = watcher.mark();
    await bot('nsjoin', { IRC_NICKSERV_PASSWORD: NS_PASSWORD, IRC_NICKSERV_IDENTIFY: `IDENTIFY ${NS_ACCOUNT} {password}`, IRC_SASL_REQUIRED: 'true' });
    const join = await watcher.waitFor((l) => l.command === 'JOIN' && l.nick === 'nsjoin', 10000, since);
    expect(join.params[1]).toBe(NS_ACCOUNT);
  });

  it('with IRC_SASL_REQUIRED and a wrong password: quotes NickServ, does not join, retries', async () => {
    const since = watcher.mark();
    const b = await bot('nswrong', { IRC_NICKSERV_PASSWORD: WRONG_PASSWORD, IRC_NICKSERV_IDENTIFY: `IDENTIFY ${NS_ACCOUNT} {password}`, IRC_SASL_REQUIRED: 'true' }, false, 2000);
    const failure = await b.waitForLog((e) => e.cause === 'nickserv', 20000, 'a NickServ failure');
    expect(failure.msg).toMatch(/^IRC: NickServ did not confirm the login within 2 s; NickServ said: "Invalid password for nsbot\."/);
    expect(failure.hint).toContain('IRC_NICKSERV_PASSWORD');
    await waitUntil(() => b.reconnects() >= 2, 20000, 'reconnect attempts');
    expect(joinsBy('nswrong', since)).toEqual([]);
    expect(b.text()).not.toContain(WRONG_PASSWORD);
  });
});
