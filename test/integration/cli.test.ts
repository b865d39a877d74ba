/**
 * The real `zen bot` command (dist/clients/cli/zen.js) as a child process:
 * a bad setting exits 2 with one line naming it; a ZenIRCBot-era client
 * (plain Redis pub/sub, no SDK) works against it unchanged on ngircd; SIGTERM
 * drains the send queue (bounded by ZEN_SHUTDOWN_TIMEOUT_MS), QUITs and
 * exits 0; settings come from a .env file in the working directory.
 *
 * Builds dist/ first when it is missing or older than the sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';
import { connectUser, freePort, IrcServer, IrcUser, ParsedLine, RedisServer, startNgircd, startRedis, waitUntil } from '../harness';
import { spawnZen, ZEN_JS, ZenProcess } from '../support/cli';
import { builtPath } from '../support/built';
import { InEventCheck } from '../support/schemaCheck';

jest.setTimeout(90000);

const ROOT = join(__dirname, '..', '..');

/** Every non-test .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Runs the TypeScript build when a compiled file is missing or older than its source. */
function ensureBuilt(): void {
  const stale = ['bot', 'clients'].flatMap((dir) => sources(join(ROOT, dir))).filter((ts) => {
    const js = builtPath(relative(ROOT, ts).replace(/\.ts$/, ''));
    return !existsSync(js) || statSync(js).mtimeMs < statSync(ts).mtimeMs;
  });
  if (stale.length === 0) return;
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    // tsc still emits on type errors elsewhere; go on if the entry point exists, with the reason on record.
    if (!existsSync(ZEN_JS)) throw err;
    process.stderr.write(`cli.test: tsc reported errors, testing what it emitted:\n${String((err as { stdout?: Buffer }).stdout ?? err)}\n`);
  }
}

let redis: RedisServer;
let irc: IrcServer;
let cwd: string;
const spawned: ZenProcess[] = [];
const users: IrcUser[] = [];

beforeAll(async () => {
  ensureBuilt();
  [redis, irc] = await Promise.all([startRedis(), startNgircd({ noPenalty: true })]);
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-cli-'));
});

afterAll(async () => {
  for (const zen of spawned) zen.kill();
  for (const user of users) user.destroy();
  await Promise.all([redis?.stop(), irc?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  inSchema.assertAllValid();
});

/** Every event the bot published on `in` matches the committed JSON Schema. */
const inSchema = new InEventCheck();

function zenBot(env: Record<string, string>, dir = cwd): ZenProcess {
  const zen = spawnZen(['bot'], env, dir);
  spawned.push(zen);
  return zen;
}

function botEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { IRC_HOST: irc.host, IRC_PORT: String(irc.port), REDIS_URL: redis.url, LOG_LEVEL: 'info', ...extra };
}

async function user(nick: string, ...channels: string[]): Promise<IrcUser> {
  const u = await connectUser({ host: irc.host, port: irc.port, nick });
  users.push(u);
  for (const channel of channels) await u.join(channel);
  return u;
}

/** Waits for `nick` to join, seen by `u`; on failure the bot's output is in the error. */
async function joined(u: IrcUser, nick: string, zen: ZenProcess, channel?: string): Promise<void> {
  await u.waitFor((l) => l.command === 'JOIN' && l.nick === nick && (channel === undefined || l.params[0] === channel), 30000).catch((err: Error) => {
    throw new Error(`${err.message}
--- zen bot stderr ---
${zen.stderr()}`);
  });
}

/** A plain Redis subscriber on `in`, as ZenIRCBot services had (no SDK). */
async function subscribeIn(): Promise<{ redis: Redis; messages: Array<{ type: string; data: Record<string, unknown> }> }> {
  const sub = new Redis(redis.url);
  const messages: Array<{ type: string; data: Record<string, unknown> }> = [];
  sub.on('message', (_channel: string, message: string) => {
    inSchema.check(message);
    messages.push(JSON.parse(message));
  });
  await sub.subscribe('in');
  return { redis: sub, messages };
}

describe('a bad configuration', () => {
  it.each([
    ['IRC_PORT', { IRC_HOST: '127.0.0.1', IRC_PORT: 'abc' }],
    ['IRC_HOST', {}],
    ['REDIS_URL', { IRC_HOST: '127.0.0.1', REDIS_URL: 'http://x' }],
    ['IRC_CHANNELS', { IRC_HOST: '127.0.0.1', IRC_CHANNELS: 'nochan' }],
    ['IRC_SEND_RATE', { IRC_HOST: '127.0.0.1', IRC_SEND_RATE: 'fast' }],
  ])('exits 2 with one stderr line naming %s', async (variable, env) => {
    const zen = zenBot(env);
    expect(await zen.exited).toEqual({ code: 2, signal: null });
    const lines = zen.stderr().split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(zen.stdout()).toBe('');
  });
});

describe('a ZenIRCBot-era client against `zen bot`', () => {
  it('hears IRC on `in` and is obeyed on `out`, with the exact ZenIRCBot payloads', async () => {
    const { redis: sub, messages } = await subscribeIn();
    const pub = new Redis(redis.url);
    try {
      const alice = await user('alice', '#chan');
      const zen = zenBot(botEnv({ IRC_NICK: 'zenbot', IRC_CHANNELS: '#chan' }));
      await waitUntil(() => messages.some((m) => m.type === 'connected'), 30000, 'a connected event on in').catch((err: Error) => {
        throw new Error(`${err.message}\n${zen.stderr()}`);
      });
      expect(await pub.get('zenircbot:nick')).toBe('zenbot');

      // A ZenIRCBot service: answer `!ping` (directed_privmsg "ping") with "pong" in the same channel.
      const service = await subscribeIn();
      service.redis.on('message', (_c: string, raw: string) => {
        const msg = JSON.parse(raw) as { type: string; data: { message: string; channel: string } };
        if (msg.type === 'directed_privmsg' && msg.data.message === 'ping') {
          void pub.publish('out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: msg.data.channel, message: 'pong' } }));
        }
      });
      alice.mark();
      alice.say('#chan', 'hello');
      alice.say('#chan', '!ping');
      await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === 'pong', 15000);
      expect(messages.find((m) => m.type === 'privmsg' && m.data.message === 'hello')).toMatchObject({
        version: 1,
        type: 'privmsg',
        data: { sender: 'alice', channel: '#chan', message: 'hello' },
      });
      service.redis.disconnect();

      // The acceptance payload, byte for byte.
      await pub.publish('out', '{"version":1,"type":"privmsg","data":{"to":"#chan","message":"hi"}}');
      await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#chan' && l.params[1] === 'hi');
      // raw as ZenIRCBot's API sends it: `command` at the top level.
      await pub.publish('out', '{"version":1,"type":"raw","command":"JOIN #other"}');
      await waitUntil(() => messages.some((m) => m.type === 'join' && m.data.sender === 'zenbot' && m.data.channel === '#other'), 15000, 'the bot to join #other');

      zen.child.kill('SIGTERM');
      expect(await zen.exited).toEqual({ code: 0, signal: null });
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
});

describe('SIGTERM', () => {
  const fromBot = (nick: string) => (l: ParsedLine) => l.nick === nick && (l.command === 'PRIVMSG' || l.command === 'QUIT');

  it('drains the queued lines, then QUITs, exits 0 and deletes zenircbot:nick', async () => {
    const bob = await user('bob', '#drain');
    const zen = zenBot(botEnv({ IRC_NICK: 'drainbot', IRC_CHANNELS: '#drain', IRC_SEND_BURST: '1', IRC_SEND_RATE: '2', ZEN_SHUTDOWN_TIMEOUT_MS: '30000' }));
    await joined(bob, 'drainbot', zen);
    const pub = new Redis(redis.url);
    try {
      await waitUntil(async () => (await pub.get('zenircbot:nick')) === 'drainbot', 10000, 'zenircbot:nick set');
      bob.mark();
      const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
      await pub.publish('out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#drain', message: texts.join('\n') } }));
      // The first line is out, five wait in the queue (2 lines/s): stop now.
      await bob.waitFor((l) => l.nick === 'drainbot' && l.params[1] === 'one');
      zen.child.kill('SIGTERM');
      const seen = await bob.waitForCount(fromBot('drainbot'), texts.length + 1, 30000);
      expect(seen.map((l) => (l.command === 'QUIT' ? 'QUIT' : l.params[1]))).toEqual([...texts, 'QUIT']);
      expect(seen[seen.length - 1].params[0]).toMatch(/shutting down/);
      expect(await zen.exited).toEqual({ code: 0, signal: null });
      expect(await pub.get('zenircbot:nick')).toBeNull();
      expect(zen.stderr()).not.toMatch(/not drained/);
    } finally {
      pub.disconnect();
    }
  });

  it('gives up draining after ZEN_SHUTDOWN_TIMEOUT_MS, still QUITs and exits 0', async () => {
    const carol = await user('carol', '#slow');
    const zen = zenBot(botEnv({ IRC_NICK: 'slowbot', IRC_CHANNELS: '#slow', IRC_SEND_BURST: '1', IRC_SEND_RATE: '0.5', ZEN_SHUTDOWN_TIMEOUT_MS: '1000' }));
    await joined(carol, 'slowbot', zen);
    const pub = new Redis(redis.url);
    try {
      const since = carol.mark();
      const texts = Array.from({ length: 20 }, (_, i) => `slow ${i + 1}`);
      await pub.publish('out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#slow', message: texts.join('\n') } }));
      await carol.waitFor((l) => l.nick === 'slowbot' && l.params[1] === 'slow 1');
      zen.child.kill('SIGTERM');
      const quit = await carol.waitFor((l) => l.nick === 'slowbot' && l.command === 'QUIT', 30000);
      expect(await zen.exited).toEqual({ code: 0, signal: null });
      // At 1 line per 2 s, a 1 s drain cannot have sent 20 lines: the timeout bounded it.
      const sent = carol.lines.slice(since, quit.index).filter((l) => l.nick === 'slowbot' && l.command === 'PRIVMSG');
      expect(sent.length).toBeLessThan(texts.length);
      expect(sent.map((l) => l.params[1])).toEqual(texts.slice(0, sent.length));
      expect(zen.stderr()).toMatch(/not drained/);
      expect(await pub.get('zenircbot:nick')).toBeNull();
    } finally {
      pub.disconnect();
    }
  });
});

describe('SIGTERM during startup', () => {
  it('stops cleanly with exit 0 while the bot still waits for Redis', async () => {
    const nothing = await freePort();
    const zen = zenBot(botEnv({ REDIS_URL: `redis://127.0.0.1:${nothing}`, IRC_NICK: 'earlybot', IRC_CHANNELS: '#early' }));
    await zen.waitForOutput(/"msg":"starting"/);
    zen.child.kill('SIGTERM');
    expect(await zen.exited).toEqual({ code: 0, signal: null });
    expect(zen.stderr()).toMatch(/"msg":"stopped"/);
  });
});

describe('SIGTERM while Redis is down', () => {
  it('still QUITs IRC and exits 0', async () => {
    const ownRedis = await startRedis();
    try {
      const erin = await user('erin', '#down');
      const zen = zenBot(botEnv({ REDIS_URL: ownRedis.url, IRC_NICK: 'downbot', IRC_CHANNELS: '#down' }));
      await joined(erin, 'downbot', zen);
      await ownRedis.kill();
      await zen.waitForOutput(/"cause":"refused".*"msg":"Redis: connection refused by redis:\/\/127\.0\.0\.1:\d+; start redis-server/);
      erin.mark();
      zen.child.kill('SIGTERM');
      await erin.waitFor((l) => l.command === 'QUIT' && l.nick === 'downbot', 30000);
      expect(await zen.exited).toEqual({ code: 0, signal: null });
    } finally {
      await ownRedis.stop();
    }
  });
});

describe('.env', () => {
  it('reads settings from .env in the working directory; the environment wins over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zenrelay-dotenv-'));
    try {
      // Channel names quoted: in a .env file an unquoted # starts a comment.
      writeFileSync(
        join(dir, '.env'),
        [`IRC_HOST=${irc.host}`, `IRC_PORT=${irc.port}`, `REDIS_URL=${redis.url}`, 'IRC_NICK=dotenvbot', 'IRC_CHANNELS="#dotenv"', 'ZEN_NAMESPACE=dotenv', ''].join('\n'),
      );
      const dave = await user('dave', '#dotenv');
      const zen = zenBot({ LOG_LEVEL: 'info' }, dir);
      await joined(dave, 'dotenvbot', zen, '#dotenv');
      const pub = new Redis(redis.url);
      try {
        await waitUntil(async () => (await pub.get('dotenv:zenircbot:nick')) === 'dotenvbot', 10000, 'the namespaced nick key from .env');
      } finally {
        pub.disconnect();
      }
      zen.child.kill('SIGTERM');
      expect(await zen.exited).toEqual({ code: 0, signal: null });

      // The same .env with IRC_NICK set in the environment: the environment wins.
      const override = zenBot({ LOG_LEVEL: 'info', IRC_NICK: 'envwins' }, dir);
      await joined(dave, 'envwins', override);
      override.child.kill('SIGTERM');
      expect(await override.exited).toEqual({ code: 0, signal: null });

      // The classic mistake, an unquoted channel (read as a comment): the bot says so instead of idling silently.
      writeFileSync(join(dir, '.env'), `IRC_HOST=${irc.host}\nIRC_PORT=${irc.port}\nREDIS_URL=${redis.url}\nIRC_NICK=nochanbot\nIRC_CHANNELS=#dotenv\n`);
      const unquoted = zenBot({ LOG_LEVEL: 'info' }, dir);
      await unquoted.waitForOutput(/IRC_CHANNELS is empty.*quote channel names/);
      unquoted.child.kill('SIGTERM');
      expect(await unquoted.exited).toEqual({ code: 0, signal: null });

      // A bad value in .env is reported like one in the environment.
      writeFileSync(join(dir, '.env'), `IRC_HOST=${irc.host}\nIRC_PORT=notaport\n`);
      const bad = zenBot({}, dir);
      expect(await bad.exited).toEqual({ code: 2, signal: null });
      expect(bad.stderr().trim().split('\n')).toEqual([expect.stringContaining('IRC_PORT')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
