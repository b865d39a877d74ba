/**
 * Redis least privilege, for real: the users `zen acl` prints, loaded into a
 * real redis-server. The real bot, a real service and `zen notify` each run
 * as their own user and do their job end to end (a real IRC user on ngircd
 * sees the answers); each role is refused what is not its job.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { aclUsers, type AclUser } from '../../clients/cli/acl/aclFile';
import { connectUser, freePort, IrcServer, IrcUser, RedisServer, startNgircd, startRedis, waitUntil } from '../harness';
import { spawnZen, ZenProcess } from '../support/cli';

jest.setTimeout(90000);

let redis: RedisServer;
let irc: IrcServer;
let alice: IrcUser;
let cwd: string;
const spawned: ZenProcess[] = [];
const clients: Redis[] = [];
const users = aclUsers('', ['hello', 'admin']);
const password = (u: AclUser) => `pw-${u.user}-7d1e`;
const url = (user: string) => `redis://${user}:pw-${user}-7d1e@127.0.0.1:${redis.port}`;

function as(user: string): Redis {
  const client = new Redis(url(user), { maxRetriesPerRequest: 1, lazyConnect: true, disconnectTimeout: 100 });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  [redis, irc] = await Promise.all([startRedis(), startNgircd({ noPenalty: true })]);
  const admin = new Redis(redis.url);
  for (const u of users) await admin.call('ACL', 'SETUSER', u.user, 'on', `>${password(u)}`, ...u.rules.split(' '));
  admin.disconnect();
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-acl-'));
  alice = await connectUser({ host: irc.host, port: irc.port, nick: 'alice' });
  await alice.join('#acl');
});

afterAll(async () => {
  alice?.destroy();
  for (const c of clients) c.disconnect();
  for (const z of spawned) z.kill();
  await Promise.all([redis?.stop(), irc?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const ircEnv = () => ({ IRC_HOST: irc.host, IRC_PORT: String(irc.port), IRC_NICK: 'aclbot', IRC_CHANNELS: '#acl', IRC_SEND_RATE: '0', LOG_LEVEL: 'warn' });
const fromBot = (text: string) => (l: { command: string; nick?: string; params: string[] }) => l.command === 'PRIVMSG' && l.nick === 'aclbot' && l.params[1] === text;

it('the bot, a service and zen notify each do their job as their own user', async () => {
  const bot = spawnZen(['bot'], { ...ircEnv(), REDIS_URL: url('zen-bot'), ZEN_ADMINS: '*!*alice@127.0.0.1' }, cwd);
  spawned.push(bot);
  await waitUntil(() => alice.lines.some((l) => l.command === 'JOIN' && l.nick === 'aclbot'), 30000, 'the bot to join #acl');
  const hello = spawnZen(['service', 'hello'], { REDIS_URL: url('zen-service-hello'), LOG_LEVEL: 'warn' }, cwd);
  spawned.push(hello);
  const reader = as('zen-reader');
  await waitUntil(async () => (await reader.call('PING').catch(() => '')) === 'PONG', 10000, 'the reader to connect');
  // the service is registered once its entry is there
  const probe = new Redis(redis.url, { disconnectTimeout: 100 });
  clients.push(probe);
  await waitUntil(async () => (await probe.get('zenrelay:service:hello')) !== null, 20000, 'hello to register');
  alice.mark();
  alice.say('#acl', '!woot');
  await alice.waitFor(fromBot('Indeed!'), 20000).catch((err: Error) => {
    throw new Error(`${err.message}\n--- bot ---\n${bot.stderr()}\n--- hello ---\n${hello.stderr()}`);
  });

  const notify = spawnZen(['notify', '--wait=20', '#acl', 'deploy done as notifier'], { REDIS_URL: url('zen-notifier') }, cwd);
  spawned.push(notify);
  await alice.waitFor(fromBot('deploy done as notifier'), 20000).catch((err: Error) => {
    throw new Error(`${err.message}\n--- bot ---\n${bot.stderr()}\n--- notify ---\n${notify.stdout()}${notify.stderr()}`);
  });
  expect((await notify.exited).code).toBe(0);
  expect(bot.stderr()).not.toMatch(/NOPERM/);
  expect(hello.stderr()).not.toMatch(/NOPERM/);
});

it('the admin service, as its own user, has the bot join a channel and publishes the audit event', async () => {
  const admin = spawnZen(['service', 'admin'], { REDIS_URL: url('zen-service-admin'), LOG_LEVEL: 'warn' }, cwd);
  spawned.push(admin);
  const probe = new Redis(redis.url, { disconnectTimeout: 100 });
  clients.push(probe);
  await waitUntil(async () => (await probe.get('zenrelay:service:admin')) !== null, 20000, 'admin to register');
  const reader = as('zen-reader');
  const audits: string[] = [];
  reader.on('message', (_c: string, m: string) => audits.push(m));
  await reader.subscribe('zenrelay:audit');
  alice.mark();
  alice.say('#acl', '!join #acl2');
  await alice.waitFor(fromBot('Joined #acl2.'), 20000).catch((err: Error) => {
    throw new Error(`${err.message}\n--- admin ---\n${admin.stderr()}`);
  });
  await waitUntil(() => audits.some((a) => a.includes('"outcome":"done"')), 10000, 'the audit event');
  expect(admin.stderr()).not.toMatch(/NOPERM/);
  await expect(as('zen-service-hello').publish('zenrelay:audit', '{}')).rejects.toThrow(/NOPERM/);
});

describe('each role is refused what is not its job', () => {
  it('a notifier cannot read in or publish on out', async () => {
    const notifier = as('zen-notifier');
    await expect(notifier.publish('out', '{"version":1,"type":"privmsg","data":{"to":"#acl","message":"x"}}')).rejects.toThrow(/NOPERM/);
    await expect(notifier.subscribe('in')).rejects.toThrow(/NOPERM/);
    await expect(notifier.get('zenircbot:nick')).rejects.toThrow(/NOPERM/);
  });

  it("a service cannot write another service's entry or the bot's keys, nor queue notices", async () => {
    const service = as('zen-service-hello');
    expect(await service.set('zenrelay:service:hello', '{}', 'PX', 1000)).toBe('OK');
    await expect(service.set('zenrelay:service:help', '{}')).rejects.toThrow(/NOPERM/);
    await expect(service.set('zenrelay:service:hello2', '{}')).rejects.toThrow(/NOPERM/);
    await expect(service.set('zenircbot:nick', 'evil')).rejects.toThrow(/NOPERM/);
    await expect(service.xadd('zenrelay:notices', '*', 'envelope', '{}')).rejects.toThrow(/NOPERM/);
    await expect(service.publish('zenrelay:receipts', 'x')).rejects.toThrow(/NOPERM/);
    expect(typeof (await service.get('zenircbot:nick'))).toBe('string');
  });

  it('a reader only listens', async () => {
    const reader = as('zen-reader');
    await expect(reader.publish('out', 'x')).rejects.toThrow(/NOPERM/);
    await expect(reader.get('zenircbot:nick')).rejects.toThrow(/NOPERM/);
    const sub = as('zen-reader');
    await expect(sub.subscribe('in', 'out', 'zenrelay:errors')).resolves.toBe(3);
  });

  it('the bot cannot run dangerous commands', async () => {
    const bot = as('zen-bot');
    await expect(bot.flushall()).rejects.toThrow(/NOPERM/);
    await expect(bot.config('GET', 'requirepass')).rejects.toThrow(/NOPERM/);
    await expect(bot.keys('*')).rejects.toThrow(/NOPERM/);
    await expect(bot.set('other:key', 'x')).rejects.toThrow(/NOPERM/);
  });
});

it('`zen acl` prints a file redis-server loads, and a URL per program', async () => {
  const acl = spawnZen(['acl', '--services', 'hello,help,webhook'], {}, cwd);
  expect((await acl.exited).code).toBe(0);
  const file = join(cwd, 'zenrelay.acl');
  writeFileSync(file, acl.stdout());
  expect(acl.stdout()).toMatch(/^user default off$/m);
  expect(acl.stdout().match(/^user zen-/gm)).toHaveLength(6);
  expect(acl.stderr()).toMatch(/^zen service help: REDIS_URL=redis:\/\/zen-service-help:[\w-]{20,}@<host>:6379$/m);
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--aclfile', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (c: Buffer) => (output += c.toString()));
  try {
    await waitUntil(() => /Ready to accept connections|ACL errors|Aborting/.test(output), 10000, 'redis-server to load the ACL file');
    expect(output).toMatch(/Ready to accept connections/);
    const helpPassword = /zen-service-help:([\w-]+)@/.exec(acl.stderr())![1];
    const help: Redis = new Redis(`redis://zen-service-help:${helpPassword}@127.0.0.1:${port}`, { lazyConnect: true, disconnectTimeout: 100 });
    clients.push(help);
    expect(await help.set('zenrelay:service:help', '{}')).toBe('OK');
    const anonymous = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 100 });
    anonymous.on('error', () => undefined);
    clients.push(anonymous);
    await expect(anonymous.get('x')).rejects.toThrow();
  } finally {
    for (const c of clients.splice(clients.length - 2)) c.disconnect();
    server.kill('SIGKILL');
  }
});

it('`zen acl` refuses a bad service name with exit 2', async () => {
  const acl = spawnZen(['acl', '--services', 'ok,bad name'], {}, cwd);
  expect((await acl.exited).code).toBe(2);
  expect(acl.stderr()).toMatch(/"bad name" is not a service name/);
});
