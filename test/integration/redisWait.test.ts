/**
 * Every program waits for Redis the same way (docs/operations.md): `zen
 * service hello` started while Redis is down says once that it waits, names
 * the cause and the fix once (not once per retry), and runs as soon as Redis
 * appears; a signal while it waits stops it with exit 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, freePort, RedisServer, startRedis } from '../harness';
import { spawnZen, ZenProcess } from '../support/cli';

jest.setTimeout(60000);

let cwd: string;
let redis: RedisServer | undefined;
const spawned: ZenProcess[] = [];

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-redis-wait-'));
});

afterAll(async () => {
  for (const zen of spawned) zen.kill();
  await redis?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

function hello(port: number): ZenProcess {
  const zen = spawnZen(['service', 'hello'], { REDIS_URL: `redis://127.0.0.1:${port}`, LOG_LEVEL: 'info' }, cwd);
  spawned.push(zen);
  return zen;
}

it('zen service hello waits for Redis with one line and one cause, then runs once Redis is there', async () => {
  const port = await freePort();
  const zen = hello(port);
  await zen.waitForOutput(new RegExp(`"msg":"waiting for Redis at redis://127\\.0\\.0\\.1:${port}"`));
  await zen.waitForOutput(/"cause":"refused".*"msg":"Redis: connection refused by redis:\/\/127\.0\.0\.1:\d+; start redis-server, or set REDIS_URL/);
  // Several retries pass (ioredis retries every few hundred ms): still one line.
  await delay(2500);
  const warnings = zen.stderr().split('\n').filter((l) => l.includes('"level":40'));
  expect(warnings).toHaveLength(1);
  redis = await startRedis({ port });
  await zen.waitForOutput(/"msg":"service running"/, 30000);
  expect(zen.stderr()).toMatch(/"msg":"Redis connected again after \d+ failed attempts"/);
  zen.child.kill('SIGTERM');
  expect(await zen.exited).toEqual({ code: 0, signal: null });
});

it('stops with exit 0 on SIGTERM while it still waits', async () => {
  const zen = hello(await freePort());
  await zen.waitForOutput(/"msg":"waiting for Redis at /);
  zen.child.kill('SIGTERM');
  expect(await zen.exited).toEqual({ code: 0, signal: null });
});
