/**
 * The Python consumer-group example (clients/python/group_example.py), two
 * replicas run by Debian's python3 with python3-redis, against the real bot
 * on ngircd and Redis in a namespace: each `!woot` is answered exactly once,
 * and both replicas are in the group.
 */
import { join } from 'node:path';
import { connectUser, delay, IrcUser, ServerProcess, spawnServer, stopProcess, waitUntil } from '../harness';
import { repoRoot } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const PYTHON = '/usr/bin/python3';
const CLIENT = join(repoRoot, 'clients', 'python', 'group_example.py');
const COMMANDS = 20;

let stack: Stack;
let alice: IrcUser;
const replicas: ServerProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ ngircdNoPenalty: true, env: { ZEN_NAMESPACE: 'pygroup', IRC_SEND_RATE: '0', IRC_SEND_BURST: '50' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  for (const i of [1, 2]) {
    const proc = spawnServer(`python-group-${i}`, PYTHON, [CLIENT], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, REDIS_URL: stack.config.redisUrl, ZEN_NAMESPACE: 'pygroup', ZEN_CLAIM_IDLE_MS: '2000' },
    });
    replicas.push(proc);
    await waitUntil(
      () => {
        const exit = proc.exitInfo();
        if (exit) throw new Error(`${PYTHON} ${CLIENT} exited (${JSON.stringify(exit)}); needs python3-redis: apt-get install python3-redis\n${proc.output()}`);
        return proc.output().includes('consuming pygroup:zenrelay:in as pywoot');
      },
      20000,
      'a Python replica to join the group',
    );
  }
});

afterAll(async () => {
  for (const proc of replicas) await stopProcess(proc, 'SIGTERM');
  alice?.destroy();
  await stack?.stop();
});

it('two Python replicas in one consumer group answer each !woot exactly once', async () => {
  const since = alice.mark();
  for (let i = 0; i < COMMANDS; i++) alice.say('#test', '!woot');
  const answers = () =>
    alice.lines
      .slice(since)
      .filter((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#test')
      .map((l) => l.params[1] ?? '');
  await waitUntil(() => answers().length >= COMMANDS, 30000, `${COMMANDS} answers`);
  await delay(1500);
  const said = answers();
  expect(said).toHaveLength(COMMANDS);
  expect(said.every((t) => /^Indeed! \([0-9a-f-]{36}\)$/.test(t))).toBe(true);
  // Each answer names the event id it answered: all different, so no event was handled twice.
  expect(new Set(said).size).toBe(COMMANDS);
  const ids = stack.probe.of('directed_privmsg').map((e) => e.id);
  expect(said.map((t) => t.slice(9, -1)).every((id) => ids.includes(id))).toBe(true);
  const consumers = (await stack.probe.pub.xinfo('CONSUMERS', 'pygroup:zenrelay:in', 'pywoot')) as unknown[];
  expect(consumers).toHaveLength(2);
  expect(replicas.every((p) => p.exitInfo() === undefined)).toBe(true);
});
