/**
 * Redis over TLS for every program, against a real `redis-server --port 0
 * --tls-port …` whose certificates the test makes with openssl (a CA, a
 * server certificate for 127.0.0.1, a client certificate: the server asks
 * for one, tls-auth-clients' default). The built `zen bot`, `zen service
 * hello`, `zen service webhook`, `zen notify --wait`, `zen tail` and `zen
 * status` all connect with the same settings (`rediss://`, REDIS_TLS_CA,
 * REDIS_TLS_CERT, REDIS_TLS_KEY), and a wrong CA or a missing client
 * certificate fails with the variable to fix.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectUser, freePort, IrcServer, IrcUser, makeCertificates, RedisServer, startNgircd, startRedis, type TestCertificates } from '../harness';
import { spawnZen, ZenProcess } from '../support/cli';
import { builtModule, repoRoot } from '../support/built';

jest.setTimeout(120_000);

let redis: RedisServer;
let irc: IrcServer;
let certs: TestCertificates;
/** Another CA's files: a CA that did not sign the server's certificate. */
let other: TestCertificates;
let cwd: string;
let alice: IrcUser | undefined;
const spawned: ZenProcess[] = [];

beforeAll(async () => {
  builtModule('clients/cli/zen', ['clients/runtime/redisConnection', 'clients/runtime/redisConnectionLog', 'clients/runtime/busConfig', 'clients/cli/notify/runNotify']);
  [redis, irc] = await Promise.all([startRedis({ tls: true }), startNgircd()]);
  certs = redis.certificates as TestCertificates;
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-redis-tls-'));
  other = makeCertificates(cwd, { prefix: 'other-', caName: 'some other CA' });
});

afterAll(async () => {
  for (const z of spawned) z.kill();
  alice?.destroy();
  await Promise.all([redis?.stop(), irc?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** The settings every program gets: one set, the same for all. */
function tlsEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    REDIS_TLS_CA: certs.ca,
    REDIS_TLS_CERT: certs.clientCert,
    REDIS_TLS_KEY: certs.clientKey,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

function zen(args: string[], env: Record<string, string>): ZenProcess {
  const z = spawnZen(args, env, cwd);
  spawned.push(z);
  return z;
}

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const z = zen(args, env);
  const { code } = await z.exited;
  return { code, stdout: z.stdout(), stderr: z.stderr() };
}

function post(port: number, path: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { authorization: `Bearer ${token}` }, timeout: 10000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

it('the server is TLS only: the harness gave a rediss:// URL', () => {
  expect(redis.url).toBe(`rediss://127.0.0.1:${redis.port}`);
});

describe('bot, services and the CLI over rediss:// with the CA and a client certificate', () => {
  let bot: ZenProcess;

  beforeAll(async () => {
    alice = await connectUser({ host: irc.host, port: irc.port, nick: 'alice' });
    await alice.join('#test');
    const mark = alice.mark();
    bot = zen(['bot'], tlsEnv({ IRC_HOST: irc.host, IRC_PORT: String(irc.port), IRC_NICK: 'tlsbot', IRC_CHANNELS: '#test', IRC_SEND_RATE: '20', IRC_SEND_BURST: '20' }));
    await bot.waitForOutput(/"msg":"connected to Redis"/);
    await alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'tlsbot', 20000, mark);
  });

  it('relays a !woot round trip through the hello service', async () => {
    const hello = zen(['service', 'hello'], tlsEnv());
    await hello.waitForOutput(/service running/);
    const user = alice as IrcUser;
    const mark = user.mark();
    user.say('#test', '!woot');
    const reply = await user.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'tlsbot' && l.params[1] === 'Indeed!', 15000, mark);
    expect(reply.params[0]).toBe('#test');
  });

  it('zen notify --wait queues over TLS and reports sent', async () => {
    const user = alice as IrcUser;
    const mark = user.mark();
    const result = await run(['notify', '--wait=20', '-v', '#test', 'deployed over TLS'], tlsEnv());
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toMatch(/notice \S+ sent/);
    await user.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'tlsbot' && l.params[1]?.includes('deployed over TLS') === true, 15000, mark);
  });

  it('zen tail shows what alice says, and zen status gets the bot to answer', async () => {
    const tail = zen(['tail'], tlsEnv());
    await tail.waitForOutput(/zen tail: watching/);
    (alice as IrcUser).say('#test', 'tail me over tls');
    await tail.waitForOutput(/<alice> tail me over tls/);
    tail.child.kill('SIGINT');
    await tail.exited;

    const status = await run(['status'], tlsEnv());
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('tlsbot');
  });

  it('the webhook turns a request into a notice over TLS', async () => {
    const port = await freePort();
    const token = 'webhook-tls-token-0123456789';
    const webhook = zen(['service', 'webhook'], tlsEnv({ WEBHOOK_PORT: String(port), WEBHOOK_TOKEN: token }));
    await webhook.waitForOutput(/webhook listening/);
    const user = alice as IrcUser;
    const mark = user.mark();
    expect(await post(port, '/notify/%23test', token, 'from the webhook over TLS')).toBe(202);
    await user.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'tlsbot' && l.params[1]?.includes('from the webhook over TLS') === true, 15000, mark);
    webhook.child.kill('SIGTERM');
    expect((await webhook.exited).code).toBe(0);
  });
});

it('the Python package reads the same settings', () => {
  const script = "from zenrelay.bot import Bot\nb = Bot('tlspy')\nprint(b.redis.ping())";
  const python = (env: Record<string, string>) =>
    execFileSync('/usr/bin/python3', ['-c', script], { env: { PATH: process.env.PATH, PYTHONPATH: join(repoRoot, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(python(tlsEnv()).trim()).toBe('True');
  expect(() => python(tlsEnv({ REDIS_URL: `redis://127.0.0.1:${redis.port}` }))).toThrow(/REDIS_TLS_CA only applies to TLS connections/);
  expect(() => python(tlsEnv({ REDIS_TLS_CA: other.ca }))).toThrow(/certificate verify failed/);
});

describe('what goes wrong, and the setting to fix', () => {
  it('a wrong CA: zen notify says the certificate is not trusted and names REDIS_TLS_CA', async () => {
    const result = await run(['notify', '#test', 'never sent'], tlsEnv({ REDIS_TLS_CA: other.ca }));
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('is not trusted');
    expect(result.stderr).toContain('set REDIS_TLS_CA to the PEM file of the CA that signed the Redis server');
    expect(result.stderr).toContain(other.ca);
    expect(result.stderr).toContain('Nothing was queued');
  });

  it('a wrong CA: zen bot logs the cause and the fix once, and keeps waiting for Redis', async () => {
    const bot = zen(['bot'], tlsEnv({ REDIS_TLS_CA: other.ca, IRC_HOST: irc.host, IRC_PORT: String(irc.port), IRC_NICK: 'wrongca' }));
    const [line] = await bot.waitForOutput(/^.*"cause":"certificate".*$/m);
    expect(line).toContain('REDIS_TLS_CA');
    expect(line).toContain(`rediss://127.0.0.1:${redis.port}`);
    expect(bot.stderr()).toContain('waiting for Redis');
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
  });

  it('no CA at all: the system CAs do not know the test CA, and REDIS_TLS_CA is named', async () => {
    const env = tlsEnv();
    delete env.REDIS_TLS_CA;
    const result = await run(['notify', '#test', 'never sent'], env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('set REDIS_TLS_CA');
    expect(result.stderr).toContain("it is unset, so only the system's CAs are trusted");
  });

  it('no client certificate: the server closes the connection; REDIS_TLS_CERT and REDIS_TLS_KEY are named', async () => {
    const result = await run(['notify', '#test', 'never sent'], { REDIS_URL: redis.url, REDIS_TLS_CA: certs.ca });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('set REDIS_TLS_CERT and REDIS_TLS_KEY');
  });

  it('a client certificate of another CA: the server refuses it; REDIS_TLS_CERT and REDIS_TLS_KEY are named', async () => {
    const result = await run(['notify', '#test', 'never sent'], tlsEnv({ REDIS_TLS_CERT: other.clientCert, REDIS_TLS_KEY: other.clientKey }));
    expect(result.code).toBe(5);
    // TLS 1.3: the server's "unknown ca" alert, or the reset after it, whichever the client reads first
    expect(result.stderr).toMatch(/refused the client certificate \(unknown ca\)|closed the TLS connection/);
    expect(result.stderr).toContain("set REDIS_TLS_CERT and REDIS_TLS_KEY to one signed by a CA of the server's tls-ca-cert-file");
  });

  it('plain redis:// against the TLS port: rediss:// is suggested', async () => {
    const result = await run(['notify', '#test', 'never sent'], { REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('use rediss:// in REDIS_URL');
  });

  it('REDIS_TLS_CA with a redis:// URL, or a missing file: a config error at start naming the variable', async () => {
    const plain = await run(['notify', '#test', 'x'], { REDIS_URL: 'redis://127.0.0.1:1', REDIS_TLS_CA: certs.ca });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('REDIS_TLS_CA only applies to TLS connections');
    const missing = await run(['bot'], { ...tlsEnv({ REDIS_TLS_CA: join(cwd, 'nope.crt') }), IRC_HOST: irc.host });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('REDIS_TLS_CA');
    expect(missing.stderr).toContain('ENOENT');
  });
});
