/**
 * The Python reference client (clients/python/hello.py), run by Debian's
 * python3 with python3-redis, against the real bot on ngircd and Redis, in a
 * namespace and on a non-default Redis port (so REDIS_URL and ZEN_NAMESPACE
 * are honoured). A real IRC user says hello and !woot and gets the answers.
 * The README and docs/writing-a-client.md must show this very file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectUser, IrcUser, ServerProcess, spawnServer, stopProcess, waitUntil } from '../harness';
import { repoRoot } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

const PYTHON = '/usr/bin/python3';
const CLIENT = join(repoRoot, 'clients', 'python', 'hello.py');

let stack: Stack;
let alice: IrcUser;
let client: ServerProcess;

beforeAll(async () => {
  stack = await startStack({ env: { ZEN_NAMESPACE: 'workshop', IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  client = spawnServer('python-client', PYTHON, [CLIENT], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, REDIS_URL: stack.config.redisUrl, ZEN_NAMESPACE: 'workshop' },
  });
  await waitUntil(
    () => {
      const exit = client.exitInfo();
      if (exit) throw new Error(`${PYTHON} ${CLIENT} exited (${JSON.stringify(exit)}); needs python3-redis: apt-get install python3-redis\n${client.output()}`);
      return client.output().includes('listening on workshop:in');
    },
    20000,
    `the Python client to subscribe (output: ${client.output()})`,
  );
});

afterAll(async () => {
  if (client) await stopProcess(client, 'SIGTERM');
  alice?.destroy();
  await stack?.stop();
});

const fromBot = (target: string, text: string) => (l: { command: string; nick?: string; params: string[] }) =>
  l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === target && l.params[1] === text;

it('answers hello with Hello <sender> in the channel', async () => {
  alice.mark();
  alice.say('#test', 'hello');
  await alice.waitFor(fromBot('#test', 'Hello alice'), 15000);
});

it('answers !woot with Indeed!', async () => {
  alice.mark();
  alice.say('#test', '!woot');
  await alice.waitFor(fromBot('#test', 'Indeed!'), 15000);
});

it('answers a private hello privately', async () => {
  alice.mark();
  alice.say('zenbot', 'hello');
  await alice.waitFor(fromBot('alice', 'Hello alice'), 15000);
});

it('sends only envelopes the bot accepts, and keeps running', async () => {
  expect(stack.probe.errors).toEqual([]);
  expect(client.exitInfo()).toBeUndefined();
});

describe('the docs show this client verbatim', () => {
  const code = readFileSync(CLIENT, 'utf8').trimEnd();
  const pythonBlocks = (file: string) =>
    [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());

  it.each(['README.md', 'docs/writing-a-client.md'])('%s', (file) => {
    expect(pythonBlocks(file)).toContain(code);
  });
});
