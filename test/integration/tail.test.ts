/**
 * `zen tail`, the built CLI, against the real bot (in a namespace, to show it
 * reads ZEN_NAMESPACE like the bot), real Redis and ngircd: what a real IRC
 * user says shows up readable, `--json` gives the envelopes, filters filter,
 * invalid payloads are shown, and SIGINT ends it cleanly.
 */
import { connectUser, IrcUser, stopProcess, waitUntil } from '../harness';
import { builtModule, ChildWithStdout, spawnNode } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let alice: IrcUser;
let zen: string;
const tails: ChildWithStdout[] = [];

beforeAll(async () => {
  zen = builtModule('clients/cli/zen', ['clients/cli/commands/tail', 'clients/cli/tail/runTail', 'clients/cli/tail/format', 'clients/cli/tail/filter']);
  stack = await startStack({ env: { ZEN_NAMESPACE: 'net1', IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
});

afterAll(async () => {
  for (const tail of tails) await stopProcess(tail.proc, 'SIGKILL');
  alice?.destroy();
  await stack?.stop();
});

/** Starts `zen tail …args` and waits until it is subscribed. */
async function startTail(...args: string[]): Promise<ChildWithStdout> {
  const tail = spawnNode('zen-tail', zen, ['tail', ...args], {
    PATH: process.env.PATH,
    REDIS_URL: stack.config.redisUrl,
    ZEN_NAMESPACE: 'net1',
  });
  tails.push(tail);
  await waitUntil(() => tail.proc.output().includes('zen tail: watching'), 15000, `zen tail to subscribe (output: ${tail.proc.output()})`);
  return tail;
}

function lines(tail: ChildWithStdout): string[] {
  return tail.stdout().split('\n').filter((l) => l !== '');
}

async function waitForLine(tail: ChildWithStdout, match: (line: string) => boolean, what: string): Promise<string> {
  let found: string | undefined;
  await waitUntil(
    () => {
      found = lines(tail).find(match);
      return found !== undefined;
    },
    10000,
    `zen tail to print ${what} (stdout so far:\n${tail.stdout()})`,
  );
  return found as string;
}

it('shows in, out and errors readably, invalid payloads included, without colour on a pipe', async () => {
  const tail = await startTail('--out', '--errors');
  expect(tail.proc.output()).toContain('watching net1:in, net1:out, net1:zenrelay:errors');

  alice.say('#test', 'hello from alice');
  expect(await waitForLine(tail, (l) => l.includes('hello from alice'), 'the channel message')).toMatch(
    /^\d\d:\d\d:\d\d in  privmsg +#test <alice> hello from alice$/,
  );

  alice.say('#test', '!woot');
  expect(await waitForLine(tail, (l) => l.includes('directed_privmsg'), 'the directed message')).toMatch(
    /in  directed_privmsg #test <alice> woot \(said: !woot\)$/,
  );

  await stack.probe.say(['#test', 'alice'], 'relayed\nline');
  expect(await waitForLine(tail, (l) => l.includes('relayed'), 'the out command')).toMatch(/out privmsg +→ #test, alice: relayed\\nline$/);

  await stack.probe.publish('{"version":1,"type":"privmsg","data":{"to":"#a b","message":"x"}}');
  expect(await waitForLine(tail, (l) => l.includes(' err ') && l.includes('bad_target'), 'the error the bot published')).toMatch(
    /err error +bad_target: target "#a b" is neither a channel/,
  );

  await stack.probe.publish('this is not json');
  expect(await waitForLine(tail, (l) => l.includes('this is not json'), 'the invalid payload')).toMatch(/out INVALID +not JSON: this is not json$/);

  expect(tail.stdout()).not.toContain('\x1b[');
  expect(tail.proc.exitInfo()).toBeUndefined();
});

it('--json prints the envelopes one per line, marked with their source, filtered by --type and --channel', async () => {
  const tail = await startTail('--json', '--type', 'privmsg', '--type', 'join,part', '--channel', '#test');
  const chatty = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'chatty' });
  await chatty.join('#test');
  chatty.say('zenbot', 'private, not shown');
  chatty.say('#test', 'public, shown');
  chatty.send('PART #test :gone');
  await waitForLine(tail, (l) => l.includes('"part"'), 'the part');
  await stack.probe.waitForEvent('part', (d) => d.sender === 'chatty');
  chatty.destroy();

  const marked = lines(tail).map((l) => JSON.parse(l) as { source: string; channel: string; payload: { type: string; data: { sender?: string; channel?: string } } });
  expect(marked.every((m) => m.source === 'in' && m.channel === stack.names.in)).toBe(true);
  const envelopes = marked.map((m) => m.payload);
  const fromChatty = envelopes.filter((e) => e.data.sender === 'chatty');
  expect(fromChatty.map((e) => e.type)).toEqual(['join', 'privmsg', 'part']);
  expect(fromChatty[1]).toEqual({ version: 1, type: 'privmsg', id: expect.any(String), data: expect.objectContaining({ sender: 'chatty', channel: '#test', message: 'public, shown' }) });
  expect(envelopes.every((e) => ['privmsg', 'join', 'part'].includes(e.type) && e.data.channel === '#test')).toBe(true);
  // What the bot published itself, for comparison: the same envelopes.
  const published = stack.probe.events.filter((e) => 'sender' in e.data && e.data.sender === 'chatty' && ['join', 'privmsg', 'part'].includes(e.type) && 'channel' in e.data && e.data.channel === '#test');
  expect(fromChatty).toEqual(published);
});

it('colours with --color, and exits 0 on SIGINT', async () => {
  const tail = await startTail('--color');
  alice.say('#test', 'in colour');
  const line = await waitForLine(tail, (l) => l.includes('in colour'), 'the coloured line');
  expect(line).toContain('\x1b[');
  expect(line.replace(/\x1b\[\d+m/g, '')).toMatch(/in  privmsg +#test <alice> in colour$/);
  const exit = await stopProcess(tail.proc, 'SIGINT', 5000);
  expect(exit).toEqual({ code: 0, signal: null });
});

it('refuses an unknown type with exit code 2 and the list of types', async () => {
  const tail = spawnNode('zen-tail-bad', zen, ['tail', '--type', 'privmgs'], { PATH: process.env.PATH, REDIS_URL: stack.config.redisUrl });
  tails.push(tail);
  const exit = await tail.proc.exited;
  expect(exit.code).toBe(2);
  expect(tail.proc.output()).toContain('zen tail: unknown type privmgs; known types: privmsg');
});
