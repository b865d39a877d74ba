/**
 * `zen` as users get it: `npm install -g .` from a checkout puts a working
 * `zen` on the PATH (the bin entry is the built dist/), and a SIGTERM to
 * `npx zen service hello` (npm → sh -c → node) stops the real node process
 * too, cleanly: no orphan left under PID 1, its registry entry removed.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { busNames } from '@zenrelay/protocol';
import { RedisServer, startRedis, waitUntil } from '../harness';
import { attendeeFolder, cleanEnv, runLine } from '../support/attendee';
import { builtModule, repoRoot } from '../support/built';
import { childrenOf, cmdline, isAlive } from '../support/procfs';

jest.setTimeout(120_000);

let redis: RedisServer;
let prefix: string;

beforeAll(async () => {
  builtModule('clients/cli/zen', ['clients/cli/commands/service', 'clients/runtime/shutdownSignals']);
  redis = await startRedis();
  prefix = attendeeFolder('zenrelay-global-');
});

afterAll(async () => {
  await redis?.stop();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

it('npm install -g from the checkout puts a working zen on the PATH', async () => {
  await runLine(`npm install -g --prefix ${prefix} ${repoRoot}`, prefix, cleanEnv());
  const env = cleanEnv({ PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` });
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', ['-c', 'command -v zen && zen --version && zen --help'], { cwd: prefix, env });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`zen exited ${String(code)}: ${text}`))));
  });
  const [path, version] = out.split('\n');
  expect(path).toBe(join(prefix, 'bin', 'zen'));
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  for (const command of ['bot', 'service', 'up', 'notify', 'tail']) expect(out).toContain(command);
});

/** Every live descendant of `pid`. */
function descendants(pid: number): number[] {
  return childrenOf(pid).flatMap((c) => [c.pid, ...descendants(c.pid)]);
}

it('SIGTERM to `npx zen service hello` stops the node process too, cleanly', async () => {
  const npx = spawn('npx', ['zen', 'service', 'hello'], {
    cwd: repoRoot,
    env: cleanEnv({ REDIS_URL: redis.url, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npx.stdout.on('data', (d: Buffer) => (output += d.toString()));
  npx.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const npxPid = npx.pid ?? -1;
  let node: number | undefined;
  try {
    await waitUntil(() => output.includes('service running'), 60000, `npx zen service hello to start (output: ${output})`);
    node = descendants(npxPid).find((pid) => cmdline(pid).some((arg) => arg.endsWith('zen')) && cmdline(pid).includes('service'));
    expect(node).toBeDefined();
    const probe = new Redis(redis.url);
    try {
      const key = `${busNames('').servicePrefix}hello`;
      expect(await probe.exists(key)).toBe(1);
      npx.kill('SIGTERM');
      await waitUntil(() => !isAlive(node as number), 15000, `the node process (pid ${String(node)}) to stop after SIGTERM to npx (output: ${output})`);
      // it stopped cleanly, not by being killed: its registry entry is gone before any TTL
      expect(await probe.exists(key)).toBe(0);
    } finally {
      probe.disconnect();
    }
  } finally {
    if (node !== undefined && isAlive(node)) process.kill(node, 'SIGKILL');
    if (npx.exitCode === null) npx.kill('SIGKILL');
  }
});
