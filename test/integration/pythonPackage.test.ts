/**
 * The Python package (clients/python), installed as docs/writing-a-client.md
 * says ("Python in your own folder": a venv on Debian's python3 reusing
 * python3-redis, pip install of the folder, no network), runs its example
 * against the real bot (real Redis and ngircd, namespaced) with the help
 * service answering Wat for unknown commands: one answer per command, no Wat,
 * listed in !help and !services, a welcome on join, and gone from the
 * registry the moment it gets SIGTERM (then help calls its command unknown
 * again, instead of going silent). The workshop's hello.py, which does not
 * register, gets no Wat from a help service with its defaults.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@zenrelay/runtime';
import { bundledServices, RunningService } from '../../services';
import { connectUser, delay, IrcUser, ServerProcess, spawnServer, stopProcess, waitUntil } from '../harness';
import { ParsedLine } from '../harness/ircParse';
import { attendeeFolder, cleanEnv, docBlock, localize, runLines } from '../support/attendee';
import { repoRoot } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(180_000);

const NAMESPACE = 'pyws';
const QUIET_MS = 1500;
const lines = docBlock('docs/writing-a-client.md', '### Python in your own folder', 'sh');
const RUN_LINE = 'REDIS_URL=redis://127.0.0.1:6379 ~/my-bot/venv/bin/python ~/my-bot/cheer.py';

let stack: Stack;
let alice: IrcUser;
let folder: string;
let help: RunningService | undefined;
const started: ServerProcess[] = [];

const fromBot = (target: string, text?: string | RegExp) => (l: ParsedLine) =>
  l.command === 'PRIVMSG' &&
  l.nick === 'zenbot' &&
  l.params[0] === target &&
  (text === undefined || (typeof text === 'string' ? l.params[1] === text : text.test(l.params[1] ?? '')));

async function startHelp(env: Record<string, string>): Promise<RunningService> {
  return bundledServices.help.start({
    redisUrl: stack.config.redisUrl,
    namespace: NAMESPACE,
    env,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-help'),
  });
}

/** alice says `text` in #test; returns everything the bot said in #test within the quiet period after the first answer. */
async function answers(text: string, first: RegExp): Promise<string[]> {
  const since = alice.mark();
  alice.say('#test', text);
  await alice.waitFor(fromBot('#test', first), 15000);
  await delay(QUIET_MS);
  return alice.lines.slice(since).filter(fromBot('#test')).map((l) => l.params[1] ?? '');
}

function spawnPython(name: string, python: string, script: string): ServerProcess {
  const proc = spawnServer(name, python, [script], {
    cwd: folder,
    env: { PATH: process.env.PATH, REDIS_URL: stack.config.redisUrl, ZEN_NAMESPACE: NAMESPACE, PYTHONUNBUFFERED: '1' },
  });
  started.push(proc);
  return proc;
}

beforeAll(async () => {
  folder = attendeeFolder('zenrelay-my-bot-py-');
  stack = await startStack({ env: { ZEN_NAMESPACE: NAMESPACE, IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  help = await startHelp({ ZEN_HELP_WAT: 'true' });
}, 120_000);

afterAll(async () => {
  for (const proc of started) await stopProcess(proc, 'SIGKILL');
  await help?.close();
  alice?.destroy();
  await stack?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('the zenrelay Python package, installed in a venv as documented', () => {
  let cheer: ServerProcess;

  it('the doc block makes a venv on Debian python3, installs without network, and runs the example', () => {
    expect(lines[0]).toBe('/usr/bin/python3 -m venv --system-site-packages ~/my-bot/venv');
    expect(lines[1]).toContain('pip install --no-build-isolation --no-deps ~/zenrelay/clients/python');
    expect(lines[lines.length - 1]).toBe(RUN_LINE);
    const example = readFileSync(join(repoRoot, 'clients', 'python', 'examples', 'cheer.py'), 'utf8').trimEnd();
    const blocks = [...readFileSync(join(repoRoot, 'docs', 'writing-a-client.md'), 'utf8').matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
    expect(blocks).toContain(example);
  });

  it('installs into a venv outside the checkout, importing the installed copy', async () => {
    await runLines(lines.slice(0, -1), folder, cleanEnv());
    const python = localize('~/my-bot/venv/bin/python', folder);
    const check = spawnServer('py-import', python, ['-c', 'import zenrelay, redis; print(zenrelay.__file__)'], { cwd: folder });
    await check.exited;
    expect(check.output()).toContain(join(folder, 'venv'));
  });

  it('answers its command once (no Wat from help), welcomes a joiner, and is listed by !help and !services', async () => {
    alice.mark();
    cheer = spawnPython('py-cheer', localize('~/my-bot/venv/bin/python', folder), localize('~/my-bot/cheer.py', folder));
    await waitUntil(() => {
      const exit = cheer.exitInfo();
      if (exit) throw new Error(`cheer.py exited (${JSON.stringify(exit)}):\n${cheer.output()}`);
      return cheer.output().includes('service registered: cheer');
    }, 20000, 'the Python service to register');

    expect(await answers('!cheer', /^Go /)).toEqual(['Go alice, go!']);
    expect(await answers('!cheer bob', /^Go /)).toEqual(['Go bob, go!']);
    alice.mark();
    alice.say('#test', 'zenbot: cheer "the team"');
    await alice.waitFor(fromBot('#test', 'Go the team, go!'), 15000);
    alice.mark();
    alice.say('zenbot', 'cheer');
    await alice.waitFor(fromBot('alice', 'Go alice, go!'), 15000);

    const bob = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'bob' });
    try {
      alice.mark();
      await bob.join('#test');
      await alice.waitFor(fromBot('#test', 'Welcome to #test, bob!'), 15000);
    } finally {
      bob.destroy();
    }

    alice.mark();
    alice.say('#test', '!help cheer');
    await alice.waitFor(fromBot('#test', '!cheer [who] - Cheer someone on (you, unless you say) (cheer)'), 15000);
    alice.say('#test', '!services');
    expect((await alice.waitFor(fromBot('#test', /^Services:/), 15000)).params[1]).toMatch(/\bcheer\b/);
    expect(stack.probe.errors).toEqual([]);
  });

  it('on SIGTERM it leaves the registry at once, and help calls its command unknown again', async () => {
    await stopProcess(cheer, 'SIGTERM', 10000);
    expect(cheer.exitInfo()).toMatchObject({ code: 0 });
    expect(cheer.output()).toContain('registry entry removed');
    expect(await stack.probe.pub.exists(`${stack.names.servicePrefix}cheer`)).toBe(0);
    const listing = await answers('!services', /^Services:/);
    expect(listing).toHaveLength(1);
    expect(listing[0]).not.toMatch(/\bcheer\b/);
    expect(await answers('!cheer', /^Wat/)).toEqual(['Wat. Say !help for the commands I know.']);
  });

  it('reports a handler that raises on the errors channel, tells the user, and keeps going', async () => {
    const script = localize('~/my-bot/broken.py', folder);
    writeFileSync(
      script,
      "from zenrelay import Bot\nbot = Bot('broken')\n@bot.command('boom')\ndef boom(cmd):\n    raise RuntimeError('kaboom')\n@bot.command('fine')\ndef fine(cmd):\n    cmd.reply('fine, ' + cmd.sender)\nbot.run()\n",
    );
    const broken = spawnPython('py-broken', localize('~/my-bot/venv/bin/python', folder), script);
    await waitUntil(() => broken.output().includes('service registered: broken'), 20000, `broken.py to register (${broken.output()})`);
    expect(await answers('!boom', /boom/)).toEqual(['Sorry, !boom failed (the service logged the error).']);
    const report = await stack.probe.waitForError((d) => d.code === 'handler_failed');
    expect(report.data).toMatchObject({ source: 'service:broken', input: '!boom' });
    expect(report.data.reason).toContain('kaboom');
    expect(await answers('!fine', /fine/)).toEqual(['fine, alice']);
    await stopProcess(broken, 'SIGINT', 10000);
    expect(broken.exitInfo()).toMatchObject({ code: 0 });
    expect(await stack.probe.pub.exists(`${stack.names.servicePrefix}broken`)).toBe(0);
  });
});

describe("the workshop's hello.py, which does not register", () => {
  it('gets no Wat under its own answer from a help service with its defaults', async () => {
    await help?.close();
    help = await startHelp({});
    const hello = spawnPython('py-hello', '/usr/bin/python3', join(repoRoot, 'clients', 'python', 'hello.py'));
    await waitUntil(() => hello.output().includes(`listening on ${NAMESPACE}:in`), 20000, `hello.py to subscribe (${hello.output()})`);
    expect(await answers('!woot', /Indeed/)).toEqual(['Indeed!']);
    const since = alice.mark();
    alice.say('#test', '!nosuchcommand');
    alice.say('#test', 'hello');
    await alice.waitFor(fromBot('#test', 'Hello alice'), 15000);
    await delay(QUIET_MS);
    expect(alice.lines.slice(since).filter(fromBot('#test')).map((l) => l.params[1])).toEqual(['Hello alice']);
  });
});
