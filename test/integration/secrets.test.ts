/**
 * No secret leaks, anywhere, after a full run with every secret set (issue
 * 14, "Secrets"). The built programs run as operators run them, at the most
 * verbose log level: `zen bot` (HTTP endpoint on), `zen service hello`,
 * `zen service help`, `zen service webhook`, `zen tail`, `zen status`,
 * `zen notify` and `zen up`, against a Redis that needs a password for its
 * default user (given as `?password=`) and has an ACL user (given as URL
 * userinfo), and an InspIRCd with a server password and Atheme for SASL.
 * The run provokes errors: a missing nick and a bad target for `zen notify
 * -v`, bad webhook requests (no token, a wrong one, a bad GitHub signature,
 * bad targets), bad payloads on `out`, a cut IRC connection, Redis killed
 * (programs started and run while it is away) and restarted.
 *
 * Everything is kept: stdout and stderr of every process, /healthz and
 * /metrics, every HTTP response (status, headers, body), every message on
 * every Redis channel (`in` events schema-checked), every key and stream entry
 * left in Redis; then each is searched for each secret, plain and in every
 * encoding a program could print it in.
 *
 * To cover a new secret: add a row to SECRETS (and its setting to the env of
 * the programs that read it).
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  createAccount,
  connectUser,
  freePort,
  InspircdServer,
  IrcUser,
  RedisServer,
  redisPing,
  startAtheme,
  startInspircd,
  startRedis,
  waitUntil,
  type AthemeServices,
} from '../harness';
import { builtModule, repoRoot } from '../support/built';
import { spawnZen, ZenProcess } from '../support/cli';
import { InEventCheck } from '../support/schemaCheck';
import { startTcpGate, TcpGate } from '../support/tcpGate';

jest.setTimeout(240_000);

/** A secret, and other strings that give it away (e.g. inside a base64 SASL blob). */
interface Secret {
  /** Where it is set. */
  setting: string;
  value: string;
  /** More strings that must not appear, besides the value's own encodings. */
  alsoGivesAway?: string[];
}

const BOT_ACCOUNT = 'zenbot';

/**
 * Every secret of the run: one row each. The values hold characters that URL
 * encoding changes (`+ / = & @ :`), so both their plain and encoded forms are
 * searched for.
 */
const SECRETS: Record<string, Secret> = {
  ircPassword: { setting: 'IRC_PASSWORD', value: 'irc-srv-pw-5f2a+b/c' },
  saslPassword: { setting: 'IRC_SASL_PASSWORD', value: 'sasl-pw-9c3e+d/f=' },
  nickservPassword: { setting: 'IRC_NICKSERV_PASSWORD', value: 'ns-pw-3d9a+e/g=' },
  webhookToken: { setting: 'WEBHOOK_TOKEN', value: 'wh-token-1a2b3c4d5e6f+/=' },
  githubSecret: { setting: 'WEBHOOK_GITHUB_SECRET', value: 'gh-secret-77e1&x=y/z' },
  redisUserPassword: { setting: 'REDIS_URL (user:password@, an ACL user)', value: 'redis-user-pw@4/d:e+f' },
  redisQueryPassword: { setting: 'REDIS_URL (?password=, the default user)', value: 'redis-q-pw&6=7/8+9' },
};
SECRETS.saslPassword.alsoGivesAway = [
  // SASL PLAIN's AUTHENTICATE payload: authzid \0 authcid \0 password, base64
  Buffer.from(`${BOT_ACCOUNT}\0${BOT_ACCOUNT}\0${SECRETS.saslPassword.value}`).toString('base64'),
  Buffer.from(`\0${BOT_ACCOUNT}\0${SECRETS.saslPassword.value}`).toString('base64'),
];

/** Every way a program could print `value`: plain, URL-encoded (path/userinfo and form style), JSON-escaped, base64. */
function encodings(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    encodeURI(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value).toString('base64').replace(/=+$/, ''),
    Buffer.from(value).toString('hex'),
  ]);
  return [...forms];
}

interface Leak {
  secret: string;
  form: string;
  where: string;
  context: string;
}

/** Where any secret shows up in `outputs` (name → text). */
function findLeaks(outputs: Map<string, string>): Leak[] {
  const leaks: Leak[] = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const form of [...encodings(secret.value), ...(secret.alsoGivesAway ?? [])]) {
      for (const [where, text] of outputs) {
        const at = text.indexOf(form);
        if (at >= 0) leaks.push({ secret: `${name} (${secret.setting})`, form, where, context: text.slice(Math.max(0, at - 120), at + form.length + 60) });
      }
    }
  }
  return leaks;
}

const USER_URL = (port: number) => `redis://zenbot:${encodeURIComponent(SECRETS.redisUserPassword.value)}@127.0.0.1:${port}`;
const QUERY_URL = (port: number) => `redis://127.0.0.1:${port}/?password=${encodeURIComponent(SECRETS.redisQueryPassword.value)}`;

let redis: RedisServer;
let irc: InspircdServer;
let services: AthemeServices;
let ircGate: TcpGate;
let cwd: string;
let probe: Redis;
let alice: IrcUser;
const processes = new Map<string, ZenProcess>();
const outputs = new Map<string, string>();
const messages: string[] = [];
const schema = new InEventCheck();
let httpPort: number;
let webhookPort: number;

function zen(name: string, args: string[], env: Record<string, string>): ZenProcess {
  const z = spawnZen(args, { LOG_LEVEL: 'trace', ...env }, cwd);
  processes.set(name, z);
  return z;
}

async function run(name: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const z = zen(name, args, env);
  const { code } = await z.exited;
  return { code, stdout: z.stdout(), stderr: z.stderr() };
}

interface HttpReply {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** One HTTP exchange; the reply (status, headers, body) is kept for the search. */
function http(label: string, port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, timeout: 10000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const reply = { status: res.statusCode ?? 0, headers: res.headers, body: text };
        outputs.set(`http ${label} ${method} ${path}`, JSON.stringify(reply));
        resolve(reply);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `!woot` from alice gets `Indeed!` from the bot. */
async function woot(): Promise<void> {
  const since = alice.mark();
  alice.say('#test', '!woot');
  await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === 'Indeed!', 20000, since);
}

const BOT_ENV = (): Record<string, string> => ({
  IRC_HOST: '127.0.0.1',
  IRC_PORT: String(ircGate.port),
  IRC_NICK: 'zenbot',
  IRC_CHANNELS: '#test',
  IRC_PASSWORD: SECRETS.ircPassword.value,
  IRC_SASL_ACCOUNT: BOT_ACCOUNT,
  IRC_SASL_PASSWORD: SECRETS.saslPassword.value,
  IRC_NICKSERV_PASSWORD: SECRETS.nickservPassword.value,
  IRC_SEND_RATE: '50',
  IRC_SEND_BURST: '20',
  IRC_RECONNECT_MIN_MS: '200',
  IRC_RECONNECT_MAX_MS: '1000',
  REDIS_URL: QUERY_URL(redis.port),
  HTTP_PORT: String(httpPort),
});

const GITHUB_TARGETS = '#test';
const WEBHOOK_ENV = (): Record<string, string> => ({
  REDIS_URL: QUERY_URL(redis.port),
  WEBHOOK_PORT: String(webhookPort),
  WEBHOOK_TOKEN: SECRETS.webhookToken.value,
  WEBHOOK_GITHUB_SECRET: SECRETS.githubSecret.value,
  WEBHOOK_GITHUB_TARGETS: GITHUB_TARGETS,
});

beforeAll(async () => {
  builtModule('clients/cli/zen', ['clients/runtime/log', 'clients/runtime/redisConnectionLog', 'services/webhook/server', 'clients/cli/tail/runTail', 'clients/cli/notify/runNotify']);
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-secrets-'));
  // The default user needs a password (given as ?password=); an ACL user has its own (given as user:password@).
  redis = await startRedis({
    args: ['--requirepass', SECRETS.redisQueryPassword.value, '--user', 'zenbot', 'on', `>${SECRETS.redisUserPassword.value}`, '~*', '&*', '+@all'],
  });
  irc = await startInspircd({ services: {}, password: SECRETS.ircPassword.value });
  services = await startAtheme({ link: irc.services as NonNullable<InspircdServer['services']> });
  await createAccount(irc.host, irc.port, BOT_ACCOUNT, SECRETS.saslPassword.value, SECRETS.ircPassword.value);
  ircGate = await startTcpGate(irc.port);
  [httpPort, webhookPort] = [await freePort(), await freePort()];

  probe = new Redis(USER_URL(redis.port), { maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  probe.on('pmessage', (_pattern: string, channel: string, message: string) => {
    messages.push(`${channel} ${message}`);
    if (channel === 'in') schema.check(message);
  });
  await probe.psubscribe('*');

  alice = await connectUser({ host: irc.host, port: irc.port, nick: 'alice', password: SECRETS.ircPassword.value });
  await alice.join('#test');
});

afterAll(async () => {
  // SECRETS_DUMP=<dir>: keep every output for a look (e.g. at a leak's context)
  if (process.env.SECRETS_DUMP) {
    mkdirSync(process.env.SECRETS_DUMP, { recursive: true });
    for (const [name, z] of processes) writeFileSync(join(process.env.SECRETS_DUMP, `${name.replace(/[^\w.-]+/g, '_')}.txt`), `${z.stdout()}\n--- stderr ---\n${z.stderr()}`);
    writeFileSync(join(process.env.SECRETS_DUMP, 'messages.txt'), messages.join('\n'));
  }
  for (const z of processes.values()) z.kill();
  alice?.destroy();
  probe?.disconnect();
  await ircGate?.stop();
  await services?.stop();
  await Promise.all([redis?.stop(), irc?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

it('the secrets are really needed: Redis and IRC refuse a client without them', async () => {
  expect(await redisPing(redis.port)).toMatch(/^-NOAUTH/);
  await expect(connectUser({ host: irc.host, port: irc.port, nick: 'nopass', timeoutMs: 5000 })).rejects.toThrow();
});

it('runs the whole stack with every secret set, provokes errors, and no output holds a secret', async () => {
  // zen tail from the start (it sees everything), and the bot logging in with the server password and SASL
  const tail = zen('zen tail', ['tail', '--out', '--errors'], { REDIS_URL: QUERY_URL(redis.port) });
  await tail.waitForOutput(/zen tail: watching/);
  const tailJson = zen('zen tail --json', ['tail', '--json'], { REDIS_URL: USER_URL(redis.port) });
  await tailJson.waitForOutput(/zen tail: watching/);

  const joined = alice.mark();
  const bot = zen('zen bot', ['bot'], BOT_ENV());
  await bot.waitForOutput(/"msg":"logged in to services"/, 30000);
  await alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'zenbot', 20000, joined);

  const hello = zen('zen service hello', ['service', 'hello'], { REDIS_URL: USER_URL(redis.port) });
  await hello.waitForOutput(/service running/);
  const webhook = zen('zen service webhook', ['service', 'webhook'], WEBHOOK_ENV());
  await webhook.waitForOutput(/webhook listening/);
  await woot();

  // /healthz and /metrics of the bot
  expect((await http('bot', httpPort, 'GET', '/healthz')).status).toBe(200);
  expect((await http('bot', httpPort, 'GET', '/metrics')).status).toBe(200);

  // zen status, with each URL form, text and JSON
  expect((await run('zen status (query)', ['status'], { REDIS_URL: QUERY_URL(redis.port) })).code).toBe(0);
  expect((await run('zen status --json (userinfo)', ['status', '--json'], { REDIS_URL: USER_URL(redis.port) })).code).toBe(0);

  // zen notify -v: delivered, refused by the server (no such nick), and a malformed target
  const ok = await run('zen notify ok', ['notify', '-v', '--wait=15', '#test', 'deploy finished'], { REDIS_URL: QUERY_URL(redis.port) });
  expect(ok.code).toBe(0);
  const missing = await run('zen notify nosuchnick', ['notify', '-v', '--wait=15', 'nosuchnick', 'hello?'], { REDIS_URL: QUERY_URL(redis.port) });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('nosuchnick');
  const bad = await run('zen notify bad target', ['notify', '-v', '#bad target', 'x'], { REDIS_URL: USER_URL(redis.port) });
  expect(bad.code).not.toBe(0);

  // the webhook: good and bad requests
  const bearer = { authorization: `Bearer ${SECRETS.webhookToken.value}` };
  const queued = await http('webhook', webhookPort, 'POST', '/notify/%23test', bearer, 'from the webhook');
  expect(queued.status).toBe(202);
  const id = (JSON.parse(queued.body) as { id: string }).id;
  await waitUntil(async () => (JSON.parse((await http('webhook', webhookPort, 'GET', `/notices/${id}`, bearer)).body) as { state?: string }).state === 'sent', 15000, 'the webhook notice to be sent');
  expect((await http('webhook no token', webhookPort, 'POST', '/notify/%23test', {}, 'x')).status).toBe(401);
  expect((await http('webhook wrong token', webhookPort, 'POST', '/notify/%23test', { authorization: 'Bearer wrong-token-0123456789' }, 'x')).status).toBe(401);
  expect((await http('webhook bad target', webhookPort, 'POST', '/notify/%23a%20b', bearer, 'x')).status).toBe(400);
  expect((await http('webhook bad route', webhookPort, 'GET', '/nope', bearer)).status).toBe(404);
  const push = Buffer.from(JSON.stringify({ ref: 'refs/tags/v9', repository: { full_name: 'octo-org/zenrelay' }, pusher: { name: 'alice' }, sender: { login: 'alice' }, commits: [] }));
  const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update(push).digest('hex')}`;
  const github = { 'content-type': 'application/json', 'x-github-event': 'push' };
  expect((await http('webhook github', webhookPort, 'POST', '/notify/%23test', { ...github, 'x-hub-signature-256': sign(SECRETS.githubSecret.value), 'x-github-delivery': 'delivery-1' }, push)).status).toBe(202);
  expect((await http('webhook github replay', webhookPort, 'POST', '/notify/%23test', { ...github, 'x-hub-signature-256': sign(SECRETS.githubSecret.value), 'x-github-delivery': 'delivery-1' }, push)).status).not.toBe(202);
  expect((await http('webhook github bad signature', webhookPort, 'POST', '/notify/%23test', { ...github, 'x-hub-signature-256': sign('not-the-secret'), 'x-github-delivery': 'delivery-2' }, push)).status).toBe(401);
  expect((await http('webhook github other target', webhookPort, 'POST', '/notify/victim', { ...github, 'x-hub-signature-256': sign(SECRETS.githubSecret.value), 'x-github-delivery': 'delivery-3' }, push)).status).not.toBe(202);
  await http('webhook healthz', webhookPort, 'GET', '/healthz');

  // bad payloads on out: the bot says so on the errors channel
  const errorsBefore = messages.filter((m) => m.startsWith('zenrelay:errors ')).length;
  const pub = new Redis(USER_URL(redis.port));
  await pub.publish('out', 'not json');
  await pub.publish('out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#a b', message: 'x' } }));
  await pub.publish('out', JSON.stringify({ version: 1, type: 'raw', data: { command: 'KILL alice :bye' } }));
  await waitUntil(() => messages.filter((m) => m.startsWith('zenrelay:errors ')).length >= errorsBefore + 2, 10000, 'the bot to report the bad payloads');

  // IRC cut under the bot: it reconnects (PASS and SASL again)
  const registered = () => bot.stderr().split('\n').filter((l) => l.includes('"msg":"registered on IRC"')).length;
  expect(registered()).toBe(1);
  ircGate.dropAll();
  await waitUntil(() => registered() >= 2, 30000, `the bot to register again after the cut\n${bot.stderr().slice(-3000)}`);
  await woot();

  // Redis killed: programs run and start while it is away, then it comes back
  await redis.kill();
  const down = await run('zen notify (Redis down)', ['notify', '-v', '#test', 'while down'], { REDIS_URL: QUERY_URL(redis.port) });
  expect(down.code).toBe(5);
  expect((await run('zen status (Redis down)', ['status'], { REDIS_URL: QUERY_URL(redis.port) })).code).not.toBe(0);
  const help = zen('zen service help', ['service', 'help'], { REDIS_URL: QUERY_URL(redis.port) });
  await help.waitForOutput(/waiting for Redis/);
  await waitUntil(async () => (await http('bot (Redis down)', httpPort, 'GET', '/healthz')).status === 503, 15000, '/healthz to say Redis is down');
  await http('webhook (Redis down)', webhookPort, 'POST', '/notify/%23test', bearer, 'while Redis is down');
  await new Promise((r) => setTimeout(r, 2500)); // a few reconnect attempts, logged
  await redis.restart();
  await help.waitForOutput(/service running/, 30000);
  // hello makes its consumer group again (the restarted Redis has no data); what comes before that is not read
  await waitUntil(() => hello.stderr().split('created the consumer group').length > 2, 30000, `hello to make its group again\n${hello.stderr().slice(-2000)}`);
  await waitUntil(async () => (await http('bot (Redis back)', httpPort, 'GET', '/healthz')).status === 200, 30000, '/healthz to be ok again');
  await woot();
  await http('bot metrics (after)', httpPort, 'GET', '/metrics');
  expect((await run('zen status (after)', ['status'], { REDIS_URL: USER_URL(redis.port) })).code).toBe(0);

  // everything stops cleanly
  for (const [name, z] of [['bot', bot], ['hello', hello], ['help', help], ['webhook', webhook], ['tail', tail], ['tail json', tailJson]] as const) {
    z.child.kill('SIGTERM');
    const exit = await z.exited;
    expect({ name, exit }).toEqual({ name, exit: { code: 0, signal: null } });
  }

  // zen up with this configuration: the bot and the bundled services in one command
  const up = zen('zen up', ['up'], { ...BOT_ENV(), ...WEBHOOK_ENV(), REDIS_URL: USER_URL(redis.port), IRC_NICK: 'zenup' });
  await up.waitForOutput(/zen up: ready/, 60000);
  up.child.kill('SIGTERM');
  expect((await up.exited).code).toBe(0);

  // Redis' own memory: every key, every stream entry
  const admin = new Redis(USER_URL(redis.port));
  const keys = await admin.keys('*');
  for (const key of keys) {
    const type = await admin.type(key);
    const value =
      type === 'string' ? await admin.get(key)
      : type === 'hash' ? JSON.stringify(await admin.hgetall(key))
      : type === 'stream' ? JSON.stringify(await admin.xrange(key, '-', '+'))
      : type === 'list' ? JSON.stringify(await admin.lrange(key, 0, -1))
      : type === 'set' ? JSON.stringify(await admin.smembers(key))
      : type === 'zset' ? JSON.stringify(await admin.zrange(key, '0', '-1', 'WITHSCORES'))
      : `(${type})`;
    outputs.set(`redis key ${key}`, value ?? '');
  }
  admin.disconnect();
  pub.disconnect();

  for (const [name, z] of processes) {
    outputs.set(`${name} stdout`, z.stdout());
    outputs.set(`${name} stderr`, z.stderr());
  }
  outputs.set('redis pub/sub messages', messages.join('\n'));

  // the capture is real: the programs talked, at trace level, and said where Redis is (redacted)
  expect(bot.stderr()).toContain('"msg":"configuration"');
  expect(bot.stderr()).toContain(`redis://127.0.0.1:${redis.port}/?password=***`);
  expect(messages.some((m) => m.startsWith('in '))).toBe(true);
  expect(keys.length).toBeGreaterThan(0);
  expect(findLeaks(outputs)).toEqual([]);
  schema.assertAllValid();
});

it('a bad REDIS_URL holding a password is refused naming REDIS_URL, without showing the password, by every program', async () => {
  const pw = encodeURIComponent(SECRETS.redisUserPassword.value);
  const q = encodeURIComponent(SECRETS.redisQueryPassword.value);
  const badUrls = [
    `http://zenbot:${pw}@127.0.0.1:${redis.port}`, // wrong scheme
    `redis://zenbot:${pw}@127.0.0.1:99999`, // does not parse (port)
    `zenbot:${pw}@127.0.0.1:${redis.port}`, // no scheme
    `127.0.0.1:${redis.port}/?password=${q}`, // no scheme, password in the query
    `redis://zenbot:${SECRETS.redisUserPassword.value}@127.0.0.1:${redis.port}`, // not URL-encoded (an unescaped / and @)
  ];
  const seen = new Map<string, string>();
  for (const [i, url] of badUrls.entries()) {
    for (const args of [['notify', '#test', 'x'], ['bot'], ['tail'], ['service', 'hello']]) {
      const env = { REDIS_URL: url, IRC_HOST: '127.0.0.1', IRC_PORT: '1' };
      if (i === 4) {
        // ioredis' parser takes it (as some other host): the programs wait for that Redis, saying why; only the search applies
        const z = zen(`bad url ${i} zen ${args[0]}`, args, env);
        await new Promise((r) => setTimeout(r, 2000));
        z.child.kill('SIGTERM');
        await z.exited;
        seen.set(`bad url ${i}: zen ${args.join(' ')}`, z.stdout() + z.stderr());
        continue;
      }
      const result = await run(`bad url ${i} zen ${args[0]}`, args, env);
      seen.set(`bad url ${i}: zen ${args.join(' ')}`, result.stdout + result.stderr);
      expect({ url: i, args, code: result.code }).toEqual({ url: i, args, code: 2 });
      expect(result.stderr).toContain('REDIS_URL');
    }
    // The Python package, the same way
    const python = spawnSync('/usr/bin/python3', ['-c', "from zenrelay.bot import Bot\nBot('py').run()"], {
      env: { PATH: process.env.PATH, PYTHONPATH: join(repoRoot, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1', REDIS_URL: url },
      encoding: 'utf8',
      timeout: 20000,
    });
    seen.set(`bad url ${i}: python`, `${python.stdout}${python.stderr}`);
  }
  // Python cannot reach Redis (a closed port), with the password in the query
  const closed = await freePort();
  const unreachable = spawnSync('/usr/bin/python3', ['-c', "from zenrelay.bot import Bot\nBot('py').run()"], {
    env: { PATH: process.env.PATH, PYTHONPATH: join(repoRoot, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1', REDIS_URL: QUERY_URL(closed) },
    encoding: 'utf8',
    timeout: 20000,
  });
  expect(unreachable.stderr).toContain(`cannot connect to Redis at redis://127.0.0.1:${closed}/?password=***`);
  seen.set('python, Redis unreachable', `${unreachable.stdout}${unreachable.stderr}`);
  expect(findLeaks(seen)).toEqual([]);
});

it('the search finds a secret in any of its forms (it can fail)', () => {
  for (const secret of Object.values(SECRETS)) {
    for (const form of encodings(secret.value)) expect(findLeaks(new Map([['sample', `before ${form} after`]]))).not.toEqual([]);
  }
});
