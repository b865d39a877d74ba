/**
 * IRCv3 `draft/multiline` on the wire. Debian's InspIRCd 3 has no multiline
 * module, so the server that offers it is the harness's scriptable IRC server
 * process (hostileIrcServer.js) with `batch`, `draft/multiline` (small
 * limits, so they matter) and `echo-message`, run against the built `zen
 * bot`: a multi-line `out` message goes as BATCH +ref draft/multiline, its
 * lines tagged @batch=ref (long lines continued with draft/multiline-concat),
 * BATCH -ref, within max-bytes and max-lines; a durable notice of several
 * lines is still `sent` only on proof (the echoed batch, or a PING after it
 * where the server does not echo). On ngircd (no caps) the same text goes as
 * separate lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connectUser, HostileIrc, IrcUser, RedisServer, startHostileIrc, startRedis, waitUntil } from '../harness';
import { builtModule } from '../support/built';
import { spawnZen, ZenProcess } from '../support/cli';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(90_000);

const MAX_BYTES = 1000;
const MAX_LINES = 3;

let redis: RedisServer;
let cwd: string;
const spawned: ZenProcess[] = [];
const servers: HostileIrc[] = [];

beforeAll(async () => {
  builtModule('clients/cli/zen', ['bot/commandLines', 'bot/outbound/multiline', 'bot/irc/ircConnection', 'bot/delivery/deliveryTracker', 'bot/durable/noticeConsumer']);
  redis = await startRedis();
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-multiline-'));
});

afterAll(async () => {
  for (const z of spawned) z.kill();
  await Promise.all(servers.map((s) => s.stop()));
  await redis?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** A multiline server, and the built bot on it (in namespace `ns`), registered and joined. */
async function botOn(caps: string[], ns: string): Promise<{ irc: HostileIrc; bot: ZenProcess }> {
  const irc = await startHostileIrc({ caps });
  servers.push(irc);
  const bot = spawnZen(['bot'], {
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    IRC_NICK: 'zen',
    IRC_USERNAME: 'zen',
    IRC_CHANNELS: '#ml',
    IRC_SEND_RATE: '0',
    REDIS_URL: redis.url,
    ZEN_NAMESPACE: ns,
    LOG_LEVEL: 'warn',
  }, cwd);
  spawned.push(bot);
  await irc.waitForLine((l) => l.startsWith('JOIN #ml'), 20000, 'the bot to join');
  // the bot asked for the cap (irc-framework asks for batch itself)
  await irc.waitForLine((l) => l.startsWith('CAP REQ') && l.includes('draft/multiline'), 1000, 'the bot to request draft/multiline');
  return { irc, bot };
}

/** Lines from index `from` on of the bot's wire lines, the batch ref made generic. */
function batchOf(lines: string[], from: number): { ref: string; lines: string[] } {
  const opener = lines.slice(from).find((l) => / BATCH \+|^BATCH \+/.test(l)) as string;
  const ref = /BATCH \+(\S+)/.exec(opener)?.[1] as string;
  const start = lines.indexOf(opener, from);
  const end = lines.indexOf(`BATCH -${ref}`, start);
  return { ref, lines: lines.slice(start, end + 1) };
}

/** What a client shows for a batch: lines joined by \n, concat pieces joined directly. */
function shown(batch: string[]): string {
  let text = '';
  for (const [i, line] of batch.slice(1, -1).entries()) {
    const content = line.slice(line.indexOf(' :') + 2);
    text += i === 0 || line.includes('draft/multiline-concat') ? content : `\n${content}`;
  }
  return text;
}

describe('a server offering draft/multiline and echo-message', () => {
  let irc: HostileIrc;
  let pub: Redis;

  beforeAll(async () => {
    ({ irc } = await botOn(['batch', `draft/multiline=max-bytes=${MAX_BYTES},max-lines=${MAX_LINES}`, 'echo-message'], 'ml'));
    pub = new Redis(redis.url);
  });
  afterAll(() => pub?.disconnect());

  it('sends a multi-line message as one batch, with exactly these lines', async () => {
    const from = irc.lines.length;
    await pub.publish('ml:out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#ml', message: 'deploy started\nstep 1 ok' } }));
    await irc.waitForLine((l) => /^BATCH -/.test(l), 10000, 'the batch to close');
    const { ref, lines } = batchOf(irc.lines, from);
    expect(lines).toEqual([`BATCH +${ref} draft/multiline #ml`, `@batch=${ref} PRIVMSG #ml :deploy started`, `@batch=${ref} PRIVMSG #ml :step 1 ok`, `BATCH -${ref}`]);
  });

  it('continues a long line with draft/multiline-concat and keeps every batch within max-bytes and max-lines', async () => {
    const from = irc.lines.length;
    const long = Array.from({ length: 130 }, (_, i) => `word${i}`).join(' '); // ~ 900 bytes: three pieces
    const message = `first\n${long}\nlast`;
    await pub.publish('ml:out', JSON.stringify({ version: 1, type: 'notice', data: { to: '#ml', message } }));
    await irc.waitForLine((l) => l.endsWith(':last'), 10000, 'the last line');
    await waitUntil(() => irc.lines.slice(from).filter((l) => l.startsWith('BATCH +')).length === irc.lines.slice(from).filter((l) => l.startsWith('BATCH -')).length, 5000, 'the batches to close');
    const sent = irc.lines.slice(from).filter((l) => l.includes('NOTICE #ml') || l.startsWith('BATCH'));
    // Split into its batches (and plain lines): each batch within the limits.
    const texts: string[] = [];
    for (let i = 0; i < sent.length; i++) {
      if (sent[i].startsWith('BATCH +')) {
        const end = sent.indexOf(`BATCH -${sent[i].split(' ')[1].slice(1)}`, i);
        const batch = sent.slice(i, end + 1);
        const inner = batch.slice(1, -1);
        expect(inner.length).toBeLessThanOrEqual(MAX_LINES);
        expect(inner.length).toBeGreaterThan(1);
        expect(Buffer.byteLength(shown(batch))).toBeLessThanOrEqual(MAX_BYTES);
        for (const line of inner) expect(line).toMatch(/^@batch=\S+ NOTICE #ml :|^@batch=\S+;draft\/multiline-concat NOTICE #ml :/);
        expect(inner[0]).not.toContain('draft/multiline-concat');
        texts.push(shown(batch));
        i = end;
      } else {
        texts.push(sent[i].slice(sent[i].indexOf(' :') + 2));
      }
      // every line fits 512 bytes as relayed with the bot's prefix
    }
    for (const line of sent) expect(Buffer.byteLength(`:zen!~zen@client.hostile.test ${line.replace(/^@\S+ /, '')}\r\n`)).toBeLessThanOrEqual(512);
    expect(sent.some((l) => l.includes('draft/multiline-concat'))).toBe(true);
    // Nothing lost: the batches together carry every character, in order (a split between batches shows as a line break).
    expect(texts.join('\n').replace(/\n/g, '')).toBe(message.replace(/\n/g, ''));
  });

  it('a durable notice of several lines is sent as a batch and reported sent once the server echoed it (no PING needed)', async () => {
    const from = irc.lines.length;
    const z = spawnZen(['notify', '--wait=20', '-v', '#ml', 'release 1.2\nall green'], { REDIS_URL: redis.url, ZEN_NAMESPACE: 'ml' }, cwd);
    spawned.push(z);
    const exit = await z.exited;
    expect({ exit, stderr: z.stderr() }).toMatchObject({ exit: { code: 0 }, stderr: expect.stringMatching(/notice \S+ sent/) });
    const { ref, lines } = batchOf(irc.lines, from);
    expect(lines.slice(1)).toEqual([`@batch=${ref} PRIVMSG #ml :release 1.2`, `@batch=${ref} PRIVMSG #ml :all green`, `BATCH -${ref}`]);
    // every line of the batch was proven by its echo: the bot sent no PING for proof
    expect(irc.lines.slice(from).some((l) => /^PING :zenrelay-/.test(l))).toBe(false);
  });
});

describe('a server offering draft/multiline without echo-message: proof by PING', () => {
  it('reports the notice sent after the PONG that follows the batch', async () => {
    const { irc } = await botOn(['batch', 'draft/multiline=max-bytes=4096'], 'ml2');
    const from = irc.lines.length;
    const z = spawnZen(['notify', '--wait=20', '#ml', 'a\nb'], { REDIS_URL: redis.url, ZEN_NAMESPACE: 'ml2' }, cwd);
    spawned.push(z);
    expect((await z.exited).code).toBe(0);
    const after = irc.lines.slice(from);
    const closer = after.findIndex((l) => l.startsWith('BATCH -'));
    expect(closer).toBeGreaterThan(0);
    // the PING that proved the batch came after its last line
    expect(after.slice(closer + 1).some((l) => /^PING :zenrelay-/.test(l))).toBe(true);
  });
});

describe('ngircd (no draft/multiline): the same text as separate lines', () => {
  let stack: Stack;
  let alice: IrcUser;
  beforeAll(async () => {
    stack = await startStack({ env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
  });
  afterAll(async () => {
    alice?.destroy();
    await stack?.stop();
  });

  it('sends one PRIVMSG per line and no BATCH', async () => {
    const since = alice.mark();
    await stack.probe.say(['#test'], 'one\ntwo');
    const got = await alice.waitForCount((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot', 2, 10000, since);
    expect(got.map((l) => l.params[1])).toEqual(['one', 'two']);
    expect(got.every((l) => l.tags.batch === undefined)).toBe(true);
    expect(alice.lines.slice(since).some((l) => l.command === 'BATCH')).toBe(false);
  });
});
