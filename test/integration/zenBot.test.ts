/**
 * The built `zen bot` as operators run it. No secret reaches the logs: a real
 * `zen bot` with every secret set, at the most verbose log level, against a password-protected
 * Redis and a real InspIRCd (which, unlike ngircd, accepts a PASS when it
 * needs none), from start to graceful stop. And with HTTP_PORT set, it
 * serves /healthz and /metrics until it stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { request } from 'node:http';
import { freePort, IrcServer, RedisServer, startInspircd, startRedis, waitUntil } from '../harness';
import { spawnZen, ZenProcess } from '../support/cli';

jest.setTimeout(90000);

const REDIS_PASSWORD = 'redis-pw-4e1f9a';
const SECRETS = {
  IRC_PASSWORD: 'irc-pw-8c2d7b',
  IRC_SASL_PASSWORD: 'sasl-pw-61e0c3',
  // Sent in a NickServ IDENTIFY after connecting (there is no NickServ here: the server's 401 names the target, not the line).
  IRC_NICKSERV_PASSWORD: 'nickserv-pw-2d7a41',
  WEBHOOK_TOKEN: 'webhook-token-0b95d2',
};

let redis: RedisServer;
let irc: IrcServer;
let zen: ZenProcess | undefined;
const spawned: ZenProcess[] = [];
let cwd: string;

beforeAll(async () => {
  [redis, irc] = await Promise.all([startRedis(), startInspircd()]);
  const admin = new Redis(redis.url);
  await admin.config('SET', 'requirepass', REDIS_PASSWORD);
  admin.disconnect();
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-logtest-'));
});

afterAll(async () => {
  for (const z of spawned) z.kill();
  await Promise.all([redis?.stop(), irc?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

it('logs the configuration with secrets masked and never prints a secret, even at trace level', async () => {
  zen = spawnZen(['bot'], {
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    IRC_NICK: 'secretbot',
    IRC_CHANNELS: '#test',
    IRC_SASL_ACCOUNT: 'secretbot',
    REDIS_URL: `redis://default:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`,
    LOG_LEVEL: 'trace',
    ...SECRETS,
  }, cwd);
  spawned.push(zen);
  await zen.waitForOutput(/"msg":"connected to Redis"/);
  await zen.waitForOutput(/"msg":"registered on IRC"/);
  zen.child.kill('SIGTERM');
  const exit = await zen.exited;
  expect(exit).toEqual({ code: 0, signal: null });

  const output = zen.stdout() + zen.stderr();
  for (const secret of [REDIS_PASSWORD, ...Object.values(SECRETS)]) expect(output).not.toContain(secret);

  // the configuration line (at debug) is there and shows that the secrets were set, masked
  expect(zen.stderr()).toMatch(/"msg":"starting"/);
  const startup = zen.stderr().split('\n').find((line) => line.includes('"msg":"configuration"'));
  expect(startup).toBeDefined();
  const config = (JSON.parse(startup as string) as { config: Record<string, unknown> }).config;
  expect(config).toMatchObject({ ircPassword: '***', saslPassword: '***', nickservPassword: '***', redisUrl: `redis://***@127.0.0.1:${redis.port}` });
});

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('serves /healthz and /metrics on HTTP_PORT while running, and closes the port on SIGTERM', async () => {
  const httpPort = await freePort();
  zen = spawnZen(['bot'], {
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    IRC_NICK: 'httpbot',
    IRC_CHANNELS: '#ops',
    REDIS_URL: `redis://default:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`,
    HTTP_PORT: String(httpPort),
    LOG_LEVEL: 'info',
  }, cwd);
  spawned.push(zen);
  await zen.waitForOutput(/"msg":"HTTP endpoint listening/);
  let health = { status: 0, body: '' };
  await waitUntil(async () => (health = await get(httpPort, '/healthz')).status === 200, 30000, '/healthz to answer 200');
  expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', irc: { nick: 'httpbot', channels: ['#ops'] } });
  const metrics = await get(httpPort, '/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.body).toMatch(/^zen_in_events_total\{type="connected"\} 1$/m);
  expect(metrics.body).toMatch(/^process_resident_memory_bytes \d+/m);
  zen.child.kill('SIGTERM');
  expect(await zen.exited).toEqual({ code: 0, signal: null });
  await expect(get(httpPort, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
});
