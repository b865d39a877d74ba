/**
 * The TypeScript SDK installed as an attendee installs it: the lines of
 * docs/writing-a-client.md ("In your own folder") run in a fresh folder
 * outside the checkout — npm pack of the workspace packages, npm install of
 * the tarballs (their registry dependencies from npm), `tsc --strict` of the
 * README's ten-line service — then the compiled service runs against the real
 * bot (real Redis and ngircd) with the help service, and a real IRC user gets
 * its answers and finds it in !help. SIGTERM removes it from !services at once.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@zenrelay/runtime';
import { bundledServices, RunningService } from '../../services';
import { connectUser, IrcUser, waitUntil } from '../harness';
import { ParsedLine } from '../harness/ircParse';
import { attendeeFolder, cleanEnv, docBlock, runLines } from '../support/attendee';
import { builtModule, repoRoot } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(420_000);

const ONCE = 'cd ~/zenrelay && npm ci && npm run build   # once, in your zenrelay checkout';
const lines = docBlock('docs/writing-a-client.md', '### In your own folder', 'sh');

let stack: Stack;
let alice: IrcUser;
let help: RunningService;
let folder: string;
let dice: ChildProcess | undefined;
let diceOutput = '';

const botSays = (text: RegExp) => (l: ParsedLine) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#test' && text.test(l.params[1] ?? '');

async function ask(text: string, answer: RegExp): Promise<string> {
  alice.mark();
  alice.say('#test', text);
  return (await alice.waitFor(botSays(answer), 20000)).params[1] ?? '';
}

beforeAll(async () => {
  // npm pack ships dist/: it must be built from the current sources (npm test builds first)
  for (const pkg of ['protocol', 'runtime', 'sdk']) builtModule(`clients/${pkg}/index`);
  builtModule('clients/sdk/service', ['clients/sdk/client', 'clients/sdk/registry']);
  stack = await startStack();
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  help = await bundledServices.help.start({
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    env: {},
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-help'),
  });
  folder = attendeeFolder('zenrelay-my-bot-');
}, 120_000);

afterAll(async () => {
  if (dice && dice.exitCode === null) dice.kill('SIGKILL');
  await help?.close();
  alice?.quit();
  await stack?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

it('the doc block is the one this test runs: build once, pack, install, compile strictly, run', () => {
  expect(lines[0]).toBe(ONCE);
  expect(lines.some((l) => l.startsWith('npm pack '))).toBe(true);
  expect(lines.some((l) => l.includes('tsc --strict'))).toBe(true);
  expect(lines[lines.length - 1]).toBe('REDIS_URL=redis://127.0.0.1:6379 node dice.js');
});

it('installs from the packed tarballs outside the checkout and compiles the README service with tsc --strict', async () => {
  expect(folder.startsWith(repoRoot)).toBe(false);
  copyFileSync(join(repoRoot, 'clients', 'sdk', 'examples', 'dice.ts'), join(folder, 'dice.ts'));
  // the first line (npm ci && npm run build in the checkout) is what `npm test` did before this test
  await runLines(lines.slice(1, -1), folder, cleanEnv(), repoRoot);
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['@zenrelay/protocol', '@zenrelay/runtime', '@zenrelay/sdk']);
  // real copies, not links into the checkout, with their declarations
  for (const pkg of ['protocol', 'runtime', 'sdk']) {
    const installed = join(folder, 'node_modules', '@zenrelay', pkg);
    expect(existsSync(join(installed, 'dist', 'index.d.ts'))).toBe(true);
    expect(readFileSync(join(installed, 'package.json'), 'utf8')).toContain(`"name": "@zenrelay/${pkg}"`);
  }
  expect(existsSync(join(folder, 'node_modules', 'ioredis'))).toBe(true);
  expect(existsSync(join(folder, 'dice.js'))).toBe(true);
});

it('runs against the real bot: answers a real IRC user, is listed by !help, and leaves !services at once on SIGTERM', async () => {
  expect(existsSync(join(folder, 'dice.js'))).toBe(true);
  dice = spawn(process.execPath, ['dice.js'], {
    cwd: folder,
    env: { PATH: process.env.PATH, REDIS_URL: stack.config.redisUrl, ZEN_NAMESPACE: stack.config.namespace, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dice.stdout?.on('data', (d: Buffer) => (diceOutput += d.toString()));
  dice.stderr?.on('data', (d: Buffer) => (diceOutput += d.toString()));
  await waitUntil(() => diceOutput.includes('service registered'), 30000, `the installed dice service to register (output: ${diceOutput})`);

  expect(await ask('!roll 1', /rolls/)).toBe('alice rolls a 1 (d1)');
  expect(await ask('thanks, zenbot', /welcome/)).toBe("You're welcome, alice!");
  expect(await ask('!help', /roll/)).toMatch(/!roll\b/);
  expect(await ask('!help roll', /roll/)).toBe('!roll [sides] - Roll a die, 6 sides unless you say (dice)');
  expect(await ask('!services', /help/)).toMatch(/\bdice\b/);

  const exited = new Promise<number | null>((resolve) => dice?.once('exit', (code) => resolve(code)));
  dice.kill('SIGTERM');
  expect(await exited).toBe(0);
  // no waiting for the TTL: the entry is gone the moment the process is
  expect(await stack.probe.pub.exists(`${stack.names.servicePrefix}dice`)).toBe(0);
  expect(await ask('!services', /help/)).not.toMatch(/\bdice\b/);
});
