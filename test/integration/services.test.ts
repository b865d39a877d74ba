/**
 * The bundled services and the SDK on the real bot, a real Redis and ngircd,
 * with a real IRC user: the workshop's hello and !woot, help and its
 * ZenIRCBot-style answers, the single Wat for unknown commands, handler
 * errors, and the registry's expiry for a service killed without close().
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@zenrelay/runtime';
import { ErrorEvent } from '@zenrelay/protocol';
import pino from 'pino';
import { connect, createService, ZenClient, ZenService } from '@zenrelay/sdk';
import { bundledServices, RunningService, ServiceContext } from '../../services';
import { connectUser, delay, IrcUser, killHard, stopProcess, waitUntil } from '../harness';
import { ParsedLine } from '../harness/ircParse';
import { builtModule, repoRoot, spawnNode } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const HEARTBEAT_MS = 300;
const TTL_MS = 3000;
/** Extra time allowed for a second, unwanted answer to show up. */
const QUIET_MS = 1500;

let stack: Stack;
let alice: IrcUser;
const running: RunningService[] = [];

function context(): ServiceContext {
  return {
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    env: { ZEN_SERVICE_HEARTBEAT_MS: String(HEARTBEAT_MS), ZEN_SERVICE_TTL_MS: String(TTL_MS), ZEN_HELP_WAT: 'true' },
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-service'),
  };
}

async function startBundled(name: string): Promise<RunningService> {
  const service = await bundledServices[name].start(context());
  running.push(service);
  return service;
}

async function startCustom(name: string, setup: (s: ZenService) => void): Promise<ZenService> {
  const service = await createService({ name, description: `test service ${name}`, ...context(), heartbeatMs: HEARTBEAT_MS, ttlMs: TTL_MS });
  setup(service);
  await service.ready();
  running.push(service);
  return service;
}

const botSays =
  (target: string, text?: string | RegExp) =>
  (l: ParsedLine): boolean =>
    l.command === 'PRIVMSG' &&
    l.nick === 'zenbot' &&
    l.params[0] === target &&
    (text === undefined || (typeof text === 'string' ? l.params[1] === text : text.test(l.params[1] ?? '')));

/** alice says `text` in #test and gets the bot's first matching line there. */
async function ask(text: string, answer?: string | RegExp): Promise<string> {
  alice.mark();
  alice.say('#test', text);
  const line = await alice.waitFor(botSays('#test', answer), 15000);
  return line.params[1] ?? '';
}

/** Lines the bot said to `target` since index `since`. */
function saidSince(since: number, target: string): string[] {
  return alice.lines.slice(since).filter(botSays(target)).map((l) => l.params[1] ?? '');
}

beforeAll(async () => {
  stack = await startStack({ env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  await startBundled('hello');
  await startBundled('help');
});

afterAll(async () => {
  for (const service of running.reverse()) await service.close().catch(() => undefined);
  alice?.destroy();
  await stack?.stop();
});

describe('hello (the workshop client)', () => {
  it('answers hello with Hello <sender>, in the channel and in private', async () => {
    expect(await ask('hello', 'Hello alice')).toBe('Hello alice');
    alice.mark();
    alice.say('zenbot', 'hello');
    await alice.waitFor(botSays('alice', 'Hello alice'));
  });

  it('answers !woot, and the other ways of addressing the bot, with Indeed!', async () => {
    await ask('!woot', 'Indeed!');
    await ask('zenbot: woot', 'Indeed!');
    await ask('ZenBot, WOOT', 'Indeed!');
    alice.mark();
    alice.say('zenbot', 'woot');
    await alice.waitFor(botSays('alice', 'Indeed!'));
  });
});

describe('help', () => {
  it('!help lists the commands of the live services', async () => {
    const line = await ask('!help', /^Commands:/);
    expect(line).toBe('Commands: !commands, !help, !services, !woot. Say !help <command> for more.');
  });

  it('!help <command> shows its usage and help', async () => {
    expect(await ask('!help woot', /woot/)).toBe('!woot - Agree, enthusiastically (hello)');
    expect(await ask('!help !help', /help/)).toBe('!help [command] - List the commands, or show how to use one (help)');
    expect(await ask('!help nosuch', /nosuch/)).toBe('No command !nosuch. Say !help for the list.');
  });

  it('!services lists the live services', async () => {
    expect(await ask('!services', /^Services:/)).toBe('Services: hello (The workshop greeter: hello and !woot), help (Lists services and commands)');
  });

  it("answers ZenIRCBot's directed `commands` privately, one line per command", async () => {
    alice.mark();
    alice.say('#test', 'zenbot: commands');
    const lines = await alice.waitForCount(botSays('alice'), 4);
    expect(lines.map((l) => l.params[1])).toEqual([
      'help: commands - Send you every command, one per line, in private',
      'help: help - List the commands, or show how to use one',
      'help: services - List the running services',
      'hello: woot - Agree, enthusiastically',
    ]);
  });

  it("answers ZenIRCBot's directed `services` privately, one line per service", async () => {
    alice.mark();
    alice.say('zenbot', 'services');
    const lines = await alice.waitForCount(botSays('alice'), 2);
    expect(lines.map((l) => l.params[1])).toEqual(['hello', 'help']);
  });

  it('answers an unknown !command exactly once, with two services running', async () => {
    const since = alice.mark();
    alice.say('#test', '!frobnicate now');
    const wat = await alice.waitFor(botSays('#test', /^Wat/));
    expect(wat.params[1]).toBe('Wat. Say !help for the commands I know.');
    // A known command afterwards proves the bot is still relaying; then allow
    // time for any second answer to the unknown one.
    alice.say('#test', '!woot');
    await alice.waitFor(botSays('#test', 'Indeed!'));
    await delay(QUIET_MS);
    expect(saidSince(since, '#test').filter((t) => t.startsWith('Wat'))).toHaveLength(1);
  });

  it('does not call Wat on plain talk or on a command a just-started service answers', async () => {
    await startCustom('weather', (s) => s.command('weather', (c) => c.reply(`Sunny in ${c.args || 'Portland'}`), { usage: '!weather [city]', help: 'Guess the weather' }));
    const since = alice.mark();
    alice.say('#test', 'zenbot: what is this');
    alice.say('#test', '!weather Paris');
    await alice.waitFor(botSays('#test', 'Sunny in Paris'));
    await delay(QUIET_MS);
    expect(saidSince(since, '#test')).toEqual(['Sunny in Paris']);
    expect(await ask('!help weather', /weather/)).toBe('!weather [city] - Guess the weather (weather)');
  });
});

describe('SDK services', () => {
  it('survive a handler that throws or rejects: the user is told, the error is reported, the next command works', async () => {
    let calls = 0;
    const flaky = await startCustom('flaky', (s) => {
      s.command('boom', () => {
        calls++;
        throw new Error('kaboom');
      });
      s.command('later', async () => {
        await delay(10);
        throw new Error('async kaboom');
      });
      s.on('privmsg', (e) => {
        if (e.data.message === 'explode quietly') throw new Error('on() handler broke');
      });
      s.command('fine', (c) => c.reply(`fine, ${c.sender}`));
    });
    expect(await ask('!boom', /boom/)).toBe('Sorry, !boom failed (the service logged the error).');
    expect(await ask('!later', /later/)).toBe('Sorry, !later failed (the service logged the error).');
    alice.say('#test', 'explode quietly');
    await stack.probe.waitForError((d) => d.reason.includes('on() handler broke'));
    expect(await ask('!fine', /fine/)).toBe('fine, alice');
    expect(calls).toBe(1);
    const report = (await stack.probe.waitForError((d) => d.reason.includes('kaboom'))) as ErrorEvent;
    expect(report.data).toMatchObject({ code: 'handler_failed', source: 'service:flaky', input: '!boom' });
    expect(report.data.reason).toContain("command 'boom'");
    expect((await flaky.services()).map((s) => s.name)).toContain('flaky');
  });

  it('a service stopped with close() leaves the registry at once', async () => {
    const temp = await startCustom('shortlived', (s) => s.command('brief', (c) => c.reply('brief')));
    expect(await ask('!services', /^Services:/)).toContain('shortlived');
    await temp.close();
    expect(await stack.probe.pub.exists(`${stack.names.servicePrefix}shortlived`)).toBe(0);
    expect(await ask('!services', /^Services:/)).not.toContain('shortlived');
    expect(await ask('!brief', /^Wat/)).toBe('Wat. Say !help for the commands I know.');
  });

  it('a service killed without close() stays listed while alive and is gone from !services after its TTL', async () => {
    const sdk = builtModule('clients/sdk/index', ['clients/sdk/client', 'clients/sdk/service', 'clients/sdk/registry']);
    const script = `
      const { createService } = require(${JSON.stringify(sdk)});
      createService({ name: 'doomed', description: 'killed by the test' }).then((s) => {
        s.command('doom', (c) => c.reply('still here'));
        return s.ready();
      }).then(() => console.log('ready'), (err) => { console.error(err); process.exit(1); });
    `;
    const child = spawnNode('doomed-service', '-e', [script], {
      ...process.env,
      REDIS_URL: stack.config.redisUrl,
      ZEN_NAMESPACE: stack.config.namespace,
      ZEN_SERVICE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      ZEN_SERVICE_TTL_MS: String(TTL_MS),
      LOG_LEVEL: 'warn',
    });
    try {
      await waitUntil(() => child.stdout().includes('ready'), 20000, `the doomed service to start (output: ${child.proc.output()})`);
      expect(await ask('!doom', 'still here')).toBe('still here');
      // Alive for longer than its TTL: the heartbeat keeps it listed.
      await delay(TTL_MS * 1.5);
      expect(await ask('!services', /^Services:/)).toContain('doomed (killed by the test)');
      const key = `${stack.names.servicePrefix}doomed`;
      const ttl = await stack.probe.pub.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TTL_MS);

      await killHard(child.proc);
      expect(await stack.probe.pub.exists(key)).toBe(1); // nobody removed it: a crash
      await waitUntil(async () => (await stack.probe.pub.exists(key)) === 0, TTL_MS + 10000, 'the killed service to expire');
      expect(await ask('!services', /^Services:/)).not.toContain('doomed');
      expect(await ask('!doom', /^Wat/)).toBe('Wat. Say !help for the commands I know.');
    } finally {
      await stopProcess(child.proc, 'SIGKILL');
    }
  });
});

describe('SDK clients', () => {
  async function client(name: string, logger = context().logger): Promise<ZenClient> {
    const c = await connect({ ...context(), name, logger });
    running.push(c);
    return c;
  }

  it('run every handler registered for a type until it is removed, and send actions and notices', async () => {
    const multi = await client('multi');
    const seen: string[] = [];
    multi.on('privmsg', (e) => void seen.push(`first ${e.data.message}`));
    const off = multi.on('privmsg', (e) => void seen.push(`second ${e.data.message}`));
    multi.command('dance', async (c) => {
      await c.client.action(c.channel, 'dances');
      await c.client.notice(c.sender, 'you asked for it');
    });
    alice.say('#test', 'one');
    await waitUntil(() => seen.includes('first one') && seen.includes('second one'), 10000, 'both handlers to see "one"');
    off();
    alice.say('#test', 'two');
    // Both handlers run in the same dispatch, so once the first saw "two" the second would have too.
    await waitUntil(() => seen.includes('first two'), 10000, 'the first handler to see "two"');
    expect(seen.filter((s) => s.endsWith('two'))).toEqual(['first two']);

    alice.mark();
    alice.say('#test', 'zenbot: dance');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[0] === '#test' && l.params[1] === '\x01ACTION dances\x01');
    await alice.waitFor((l) => l.command === 'NOTICE' && l.nick === 'zenbot' && l.params[0] === 'alice' && l.params[1] === 'you asked for it');
  });

  it('skip and log invalid payloads on in, and keep delivering valid ones', async () => {
    const logged: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    const picky = await client('picky', logger);
    const got: string[] = [];
    picky.on('privmsg', (e) => void got.push(e.data.message));
    const publishIn = (payload: string) => stack.probe.publishIn(payload);
    await publishIn('not json at all');
    await publishIn(JSON.stringify({ version: 1, type: 'privmsg', data: { sender: 'mallory', channel: '#test' } }));
    await publishIn(JSON.stringify({ version: 7, type: 'privmsg', data: {} }));
    await publishIn(JSON.stringify({ version: 1, type: 'privmsg', data: { sender: 'bob', channel: '#test', message: 'valid' } }));
    await waitUntil(() => got.includes('valid'), 10000, 'the valid privmsg to arrive');
    expect(got).toEqual(['valid']);
    const warnings = logged.map((l) => JSON.parse(l) as { msg: string; reason: string });
    expect(warnings.map((w) => w.reason)).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^privmsg: data\.message/),
      'version 7 is not 1',
    ]);
    expect(warnings.every((w) => w.msg === 'ignoring an invalid payload on in')).toBe(true);
  });

  it('refuse a send the bot would refuse, with its reason; publish good ones; refuse to send once closed', async () => {
    const sender = await client('sender');
    await expect(sender.say('#a b', 'x')).rejects.toMatchObject({ name: 'SendError', code: 'bad_target' });
    await expect(sender.notice('#test', '')).rejects.toMatchObject({ name: 'SendError', code: 'empty_message' });
    alice.mark();
    expect(await sender.say('#test', 'sent by the SDK')).toBeGreaterThanOrEqual(1); // the bot is listening
    await alice.waitFor(botSays('#test', 'sent by the SDK'));
    expect(await sender.botNick()).toBe('zenbot');
    await sender.close();
    await expect(sender.say('#test', 'too late')).rejects.toMatchObject({ name: 'SendError', code: 'closed' });
  });
});

describe("the README's ten-line service (clients/sdk/examples/dice.ts)", () => {
  const source = readFileSync(join(repoRoot, 'clients', 'sdk', 'examples', 'dice.ts'), 'utf8').trimEnd();

  it('is shown verbatim in the README and in docs/writing-a-client.md', () => {
    for (const file of ['README.md', 'docs/writing-a-client.md']) {
      const blocks = [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
      expect(blocks).toContain(source);
    }
    expect(source.split('\n').length).toBeLessThanOrEqual(12);
  });

  it('runs as shown: registers, answers its command and its trigger, and is listed by help', async () => {
    const dice = spawnNode('dice-example', builtModule('clients/sdk/examples/dice'), [], {
      PATH: process.env.PATH,
      REDIS_URL: stack.config.redisUrl,
      ZEN_NAMESPACE: stack.config.namespace,
      LOG_LEVEL: 'info',
    });
    try {
      await waitUntil(() => dice.proc.output().includes('service registered'), 20000, `the dice example to start (output: ${dice.proc.output()})`);
      expect(await ask('!roll 1', /rolls/)).toBe('alice rolls a 1 (d1)');
      expect(await ask('!roll', /rolls/)).toMatch(/^alice rolls a [1-6] \(d6\)$/);
      expect(await ask('thanks, zenbot', /welcome/)).toBe("You're welcome, alice!");
      expect(await ask('!help roll', /roll/)).toBe('!roll [sides] - Roll a die, 6 sides unless you say (dice)');
    } finally {
      await stopProcess(dice.proc, 'SIGTERM');
    }
  });
});
