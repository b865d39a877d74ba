/**
 * Replicas of one service sharing the `in` stream through a consumer group,
 * on a real Redis, the real bot and ngircd with a real IRC user: a burst of
 * 300 distinct commands over three replicas is answered exactly once; with
 * one of three replica processes killed (-9) mid-burst every command is
 * still answered; a service that was down answers what it missed within
 * the catch-up age and nothing older; a new service starts from now;
 * `consumerGroup: false` replicas all answer; `!services` counts replicas.
 */
import { createLogger } from '@zenrelay/runtime';
import { createService, ZenService } from '@zenrelay/sdk';
import { bundledServices, RunningService } from '../../services';
import { connectUser, delay, IrcUser, killHard, ServerProcess, stopProcess, waitUntil } from '../harness';
import { ParsedLine } from '../harness/ircParse';
import { builtModule, spawnNode } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(180000);

const QUIET_MS = 1500;
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'replica-test');

let stack: Stack;
let alice: IrcUser;
const running: RunningService[] = [];
const processes: ServerProcess[] = [];

const fromBot = (l: ParsedLine): boolean => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === '#test';

/** What the bot said in #test since `since`, except help's `Wat` for commands nobody was answering. */
function saidSince(since: number): string[] {
  return alice.lines.slice(since).filter(fromBot).map((l) => l.params[1] ?? '').filter((t) => !t.startsWith('Wat.'));
}

function counts(lines: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines) out.set(line, (out.get(line) ?? 0) + 1);
  return out;
}

async function replica(name: string, command: string, options: { consumerGroup?: boolean; catchupMaxAgeSeconds?: number; handled?: string[] } = {}): Promise<ZenService> {
  const service = await createService({
    name,
    description: `replica test ${name}`,
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    logger,
    heartbeatMs: 300,
    ttlMs: 3000,
    claimIdleMs: 1000,
    ...options,
  });
  service.command(command, (c) => {
    options.handled?.push(c.args);
    return c.reply(`${command} ${c.args}`);
  });
  await service.ready();
  running.push(service);
  return service;
}

beforeAll(async () => {
  stack = await startStack({ ngircdNoPenalty: true, env: { IRC_SEND_RATE: '0', IRC_SEND_BURST: '50' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  running.push(await bundledServices.help.start({ redisUrl: stack.config.redisUrl, namespace: '', env: {}, logger }));
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p, 'SIGKILL').catch(() => undefined);
  for (const s of running.reverse()) await s.close().catch(() => undefined);
  alice?.destroy();
  await stack?.stop();
});

it('every in event is also in the in stream, with the same event id as on pub/sub', async () => {
  alice.say('#test', 'stream me');
  const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'stream me');
  expect(typeof event.id).toBe('string');
  const entries = (await stack.probe.pub.xrevrange(stack.names.inStream, '+', '-', 'COUNT', 20)) as Array<[string, string[]]>;
  const stored = entries.map(([, fields]) => JSON.parse(fields[1])).find((e) => e.data?.message === 'stream me');
  expect(stored).toEqual(event);
});

it('three replicas answer a burst of 300 distinct commands exactly once each; !services counts them', async () => {
  const handled: string[][] = [[], [], []];
  for (const list of handled) await replica('echo', 'echo', { handled: list });
  const line = await (async () => {
    alice.mark();
    alice.say('#test', '!services');
    return (await alice.waitFor((l) => fromBot(l) && (l.params[1] ?? '').startsWith('Services:'), 15000)).params[1];
  })();
  expect(line).toContain('echo ×3 (replica test echo)');

  const since = alice.mark();
  for (let i = 0; i < 300; i++) alice.say('#test', `!echo ${i}`);
  const expected = Array.from({ length: 300 }, (_, i) => `echo ${i}`);
  await waitUntil(() => new Set(saidSince(since)).size >= 300, 90000, 'answers to all 300 commands');
  await delay(QUIET_MS);
  const said = counts(saidSince(since));
  expect([...said.keys()].sort()).toEqual([...expected].sort());
  expect([...said.values()].every((n) => n === 1)).toBe(true);
  expect(handled.reduce((n, list) => n + list.length, 0)).toBe(300);
});

it('kill -9 of one of three replica processes mid-burst: every command is still answered', async () => {
  const sdk = builtModule('clients/sdk/index', ['clients/sdk/service', 'clients/sdk/groupReader', 'clients/sdk/client']);
  const code = `
    const { createService } = require(${JSON.stringify(sdk)});
    createService({ name: 'worker', description: 'slow worker' }).then(async (s) => {
      s.command('work', async (c) => { await new Promise((r) => setTimeout(r, process.env.HANG === '1' ? 3600000 : 20)); await c.reply('done ' + c.args); });
      await s.ready();
      console.log('worker ready');
    });`;
  const env = { PATH: process.env.PATH, REDIS_URL: stack.config.redisUrl, LOG_LEVEL: 'warn', ZEN_CLAIM_IDLE_MS: '1000', ZEN_SERVICE_HEARTBEAT_MS: '300', ZEN_SERVICE_TTL_MS: '3000' };
  // The first replica takes events and never finishes them (as if stuck, then killed): they must be taken over.
  const workers = [0, 1, 2].map((i) => spawnNode(`worker-${i}`, '-e', [code], { ...env, HANG: i === 0 ? '1' : '0' }));
  processes.push(...workers.map((w) => w.proc));
  await waitUntil(() => workers.every((w) => w.stdout().includes('worker ready')), 30000, 'three workers ready');

  const pendingOf = async (pid: number): Promise<number> => {
    const summary = (await stack.probe.pub.xpending(stack.names.inStream, 'worker')) as [number, unknown, unknown, Array<[string, string]> | null];
    const row = (summary[3] ?? []).find(([name]) => name.includes(`-${pid}-`));
    return Number(row?.[1] ?? 0);
  };
  const since = alice.mark();
  for (let i = 0; i < 150; i++) alice.say('#test', `!work ${i}`);
  // Kill the first replica while it has events in hand (read, never acknowledged).
  await waitUntil(async () => (await pendingOf(workers[0].proc.pid)) > 0, 30000, 'the first replica to hold events', 5);
  await killHard(workers[0].proc);
  expect(await pendingOf(workers[0].proc.pid)).toBeGreaterThan(0);
  for (let i = 150; i < 300; i++) alice.say('#test', `!work ${i}`);
  const expected = Array.from({ length: 300 }, (_, i) => `done ${i}`);
  await waitUntil(() => expected.every((t) => saidSince(since).includes(t)), 120000, 'answers to all 300 commands after the kill');
  const said = counts(saidSince(since));
  expect(expected.filter((t) => !said.has(t))).toEqual([]);
  expect([...said.keys()].every((t) => expected.includes(t))).toBe(true);
  // Nothing is left pending with the dead replica: the survivors claimed and acknowledged it all.
  await waitUntil(async () => Number(((await stack.probe.pub.xpending(stack.names.inStream, 'worker')) as unknown[])[0]) === 0, 20000, 'no pending events in the worker group');
});

it('a service that was down answers what it missed within the catch-up age, and nothing older', async () => {
  const first = await replica('late', 'late', { catchupMaxAgeSeconds: 2 });
  await first.close();
  const since = alice.mark();
  alice.say('#test', '!late old');
  await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === '!late old');
  await delay(2600);
  alice.say('#test', '!late new');
  await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === '!late new');
  await delay(300);
  expect(saidSince(since)).toEqual([]); // nobody was answering meanwhile
  await replica('late', 'late', { catchupMaxAgeSeconds: 2 });
  await alice.waitFor((l) => fromBot(l) && l.params[1] === 'late new', 15000);
  alice.say('#test', '!late live');
  await alice.waitFor((l) => fromBot(l) && l.params[1] === 'late live', 15000);
  await delay(QUIET_MS);
  expect(saidSince(since)).toEqual(['late new', 'late live']);
});

it('a brand-new service starts from now, not from the start of the stream', async () => {
  const since = alice.mark();
  alice.say('#test', '!fresh before');
  await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === '!fresh before');
  await replica('fresh', 'fresh');
  alice.say('#test', '!fresh after');
  await alice.waitFor((l) => fromBot(l) && l.params[1] === 'fresh after', 15000);
  await delay(QUIET_MS);
  expect(saidSince(since)).toEqual(['fresh after']);
});

it('replicas that opt out of the group (consumerGroup: false) each see every event', async () => {
  await replica('loud', 'loud', { consumerGroup: false });
  await replica('loud', 'loud', { consumerGroup: false });
  const since = alice.mark();
  alice.say('#test', '!loud twice');
  await alice.waitForCount((l) => fromBot(l) && l.params[1] === 'loud twice', 2, 15000);
  await delay(QUIET_MS);
  expect(saidSince(since)).toEqual(['loud twice', 'loud twice']);
});

