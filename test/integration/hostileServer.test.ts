/**
 * The real `zen bot` against a hostile IRC server (test/harness/hostileIrc.ts,
 * a socket server in its own process): it registers the bot, then replays a
 * corpus of malformed lines — every RFC 1459/2812 and common IRCv3 numeric
 * with missing parameters, commands without parameters (the bot's own JOIN,
 * PART, NICK included), a 48 MB line, invalid UTF-8, NUL, CTCP with CR, floods
 * of partial replies. After each group the bot process is alive, still relays
 * a line from `out` to the server, and its RSS stays bounded; every `in` event
 * it published is schema-valid.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { busNames, type InboundEvent } from '@zenrelay/protocol';
import { invalidEventReason, TRUNCATED_MARKER } from '../../bot/irc/inboundEvents';
import { prefixBytes } from '../../bot/irc/lineWriter';
import { freePort, HostileIrc, RedisServer, startHostileIrc, startRedis, waitUntil } from '../harness';
import { spawnZen, ZenProcess } from '../support/cli';
import { isAlive } from '../support/procfs';

jest.setTimeout(120000);

const names = busNames('');
/** Well above an idle bot (~100 MB) and far below what the unguarded bot reached (~390 MB after one 48 MB line). */
const RSS_LIMIT_BYTES = 250 * 1024 * 1024;
/** Most RSS growth over one group of hostile lines (the guarded bot grows at most ~40 MB, mostly garbage). */
const GROUP_GROWTH_LIMIT_BYTES = 90 * 1024 * 1024;
const SRV = ':hostile.test';
const ME = ':zen!~zen@client.hostile.test';
const ALICE = ':alice!alice@alice.test';

let redis: RedisServer;
let hostile: HostileIrc;
let zen: ZenProcess;
let sub: Redis;
let pub: Redis;
let httpPort: number;
let cwd: string;
const events: InboundEvent[] = [];
const errors: Array<{ data: { code: string; reason: string } }> = [];
const invalid: string[] = [];
let probes = 0;
let lastRss = 0;

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: httpPort, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function metric(series: string): Promise<number> {
  const { body } = await get('/metrics');
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const out = (data: unknown) => pub.publish(names.out, JSON.stringify({ version: 1, ...(data as object) }));

/** The bot is alive, relays a line from `out` to the server, and its RSS is bounded. */
async function expectHealthyBot(group: string): Promise<void> {
  expect(isAlive(zen.pid)).toBe(true);
  const text = `probe ${++probes} after ${group}`;
  await out({ type: 'privmsg', data: { to: '#hostile', message: text } });
  await hostile.waitForLine((l) => l === `PRIVMSG #hostile :${text}`, 30000, `the bot to relay "${text}"`);
  const rss = rssBytes(zen.pid);
  expect(rss).toBeLessThan(RSS_LIMIT_BYTES);
  // Garbage makes the heap grow somewhat; what a group keeps must not (the unguarded bot grew ~190 MB on the 48 MB line).
  expect(rss - lastRss).toBeLessThan(GROUP_GROWTH_LIMIT_BYTES);
  lastRss = rss;
  expect(invalid).toEqual([]);
}

async function waitForEvent(test: (e: InboundEvent) => boolean, what: string): Promise<InboundEvent> {
  let found: InboundEvent | undefined;
  await waitUntil(() => (found = events.find(test)) !== undefined, 15000, what);
  return found as InboundEvent;
}

async function healthz(): Promise<{ status: string; irc: { channels: string[] } }> {
  return JSON.parse((await get('/healthz')).body) as { status: string; irc: { channels: string[] } };
}

beforeAll(async () => {
  [redis, hostile] = await Promise.all([startRedis(), startHostileIrc()]);
  httpPort = await freePort();
  sub = new Redis(redis.url);
  pub = new Redis(redis.url);
  await sub.subscribe(names.in, names.errors);
  sub.on('message', (channel: string, text: string) => {
    if (channel === names.errors) {
      errors.push(JSON.parse(text) as { data: { code: string; reason: string } });
      return;
    }
    const event = JSON.parse(text) as InboundEvent;
    events.push(event);
    const why = invalidEventReason(event);
    if (why !== undefined) invalid.push(`${why}: ${text.slice(0, 300)}`);
  });
  cwd = mkdtempSync(join(tmpdir(), 'zenrelay-hostile-'));
  zen = spawnZen(['bot'], {
    IRC_HOST: hostile.host,
    IRC_PORT: String(hostile.port),
    IRC_NICK: 'zen',
    IRC_USERNAME: 'zen',
    IRC_CHANNELS: '#hostile,#cfg',
    IRC_SEND_RATE: '0',
    IRC_RECONNECT_MIN_MS: '100',
    IRC_RECONNECT_MAX_MS: '500',
    REDIS_URL: redis.url,
    HTTP_PORT: String(httpPort),
    LOG_LEVEL: 'warn',
  }, cwd);
  await waitUntil(async () => (await get('/healthz').catch(() => ({ status: 0 }))).status === 200, 30000, 'the bot to be healthy');
  lastRss = rssBytes(zen.pid);
});

afterAll(async () => {
  zen?.kill();
  sub?.disconnect();
  pub?.disconnect();
  await Promise.all([hostile?.stop(), redis?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** RFC 1459/2812 numerics, and the common IRCv3/modern ones (STARTTLS, MONITOR, SASL, WHOIS extensions). */
function numerics(): string[] {
  const codes: number[] = [];
  const range = (a: number, b: number) => {
    for (let n = a; n <= b; n++) codes.push(n);
  };
  range(1, 5);
  range(200, 502);
  range(670, 671);
  range(691, 691);
  range(710, 734);
  range(900, 908);
  return codes.map((n) => String(n).padStart(3, '0'));
}

it('survives every numeric with missing parameters', async () => {
  // The bot asked for IRCv3 chghost, so that host changes reach its line budget.
  expect(hostile.lines.some((l) => /^CAP REQ :.*\bchghost\b/.test(l))).toBe(true);
  const lines: string[] = [];
  for (const code of numerics()) lines.push(`${SRV} ${code}`, `${SRV} ${code} zen`, `${SRV} ${code} zen :`);
  await hostile.send(lines);
  await expectHealthyBot('numerics');
  // The boundary did catch something: irc-framework's handlers do throw on these.
  expect(await metric('zen_irc_bad_lines_total{reason="handler_error"}')).toBeGreaterThan(0);
});

it('survives commands without parameters, from the server, from the bot itself and from a user', async () => {
  const commands = ['PRIVMSG', 'NOTICE', 'JOIN', 'PART', 'NICK', 'QUIT', 'KICK', 'TOPIC', 'MODE', 'INVITE', 'CAP', 'BATCH', 'ACCOUNT', 'AWAY', 'CHGHOST', 'SETNAME', 'TAGMSG', 'PING', 'PONG', 'WALLOPS', 'AUTHENTICATE', 'FAIL', 'WARN', 'NOTE', 'ERROR'];
  const lines: string[] = [];
  for (const source of [SRV, ME, ALICE, '']) {
    for (const command of commands) {
      lines.push(`${source} ${command}`.trim(), `${source} ${command} :`.trim(), `${source} ${command} #hostile`.trim());
    }
  }
  // Well-formed ones that would really change the bot's nick or channels are not malformed input.
  const valid = new Set([`${ME} NICK #hostile`, `${ME} PART #hostile`]);
  lines.splice(0, lines.length, ...lines.filter((l) => !valid.has(l)));
  lines.push(`${SRV} KICK #hostile`, `${ALICE} KICK #hostile :`, `${ME} TOPIC #hostile`, `${SRV} MODE zen`, `${SRV} CAP * ACK`, `${SRV} CAP * NEW`, `${SRV} BATCH +`, `${SRV} BATCH -`);
  await hostile.send(lines);
  await expectHealthyBot('commands without parameters');
  // The bot's own PART/JOIN without a channel did not make it forget its channels.
  await waitUntil(async () => (await healthz()).status === 'ok', 15000, '/healthz ok');
  expect((await healthz()).irc.channels.sort()).toEqual(['#cfg', '#hostile']);
});

it('drops a 48 MB line without quadratic work or unbounded memory, and reads the next line', async () => {
  const before = await metric('zen_irc_bad_lines_total{reason="too_long"}');
  await hostile.huge(48 * 1024 * 1024, '\r\n', 90000);
  await hostile.send([`${ALICE} PRIVMSG #hostile :after the huge line`]);
  await waitForEvent((e) => e.type === 'privmsg' && e.data.message === 'after the huge line', 'the line after the huge one on `in`');
  await expectHealthyBot('a 48 MB line');
  expect(await metric('zen_irc_bad_lines_total{reason="too_long"}')).toBe(before + 1);
});

it('survives invalid UTF-8 and NUL, and publishes U+FFFD for the invalid bytes', async () => {
  await hostile.sendRaw(
    Buffer.concat([
      Buffer.from(`${ALICE} PRIVMSG #hostile :bad `),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(' utf8\r\n\0\0\0\r\n'),
      Buffer.from(`${ALICE} PRIVMSG #hostile :nul\0inside\r\n:`),
      Buffer.from([0xff, 0xff]),
      Buffer.from('!x@y JOIN #hostile\r\n'),
    ]),
  );
  const event = await waitForEvent((e) => e.type === 'privmsg' && e.data.message.startsWith('bad '), 'the invalid UTF-8 privmsg');
  expect(event.type === 'privmsg' && event.data.message).toBe('bad \uFFFD\uFFFD\uFFFD utf8');
  await expectHealthyBot('invalid UTF-8 and NUL');
});

it('answers a CTCP PING whose argument holds CR with one sanitised line, and bounds a long one', async () => {
  hostile.clearLines();
  await hostile.send([`${ALICE} PRIVMSG zen :\x01PING 1\rQUIT :injected\x01`]);
  const reply = await hostile.waitForLine((l) => l.startsWith('NOTICE alice :'), 15000, 'the CTCP PING reply');
  expect(reply).toBe('NOTICE alice :\x01PING 1QUIT :injected\x01');
  await new Promise((r) => setTimeout(r, 2100)); // the bot answers at most one CTCP per 2 s
  hostile.clearLines();
  await hostile.send([`${ALICE} PRIVMSG zen :\x01PING ${'9'.repeat(8000)}\x01`]);
  const long = await hostile.waitForLine((l) => l.startsWith('NOTICE alice :'), 15000, 'the long CTCP PING reply');
  expect(Buffer.byteLength(long) + 2 + prefixBytes({ nick: 'zen', user: '~zen', host: 'client.hostile.test' })).toBeLessThanOrEqual(512);
  expect(hostile.lines.filter((l) => /^QUIT/i.test(l))).toEqual([]);
  await expectHealthyBot('CTCP with CR');
});

it('bounds the state kept for partial replies: 100k 332 without 333, 50k 353 without 366, an endless BATCH, endless 005', async () => {
  await hostile.flood(`${SRV} 332 zen #t{i} :a topic that never gets its 333 reply number {i}`, 100_000, 90000);
  await expectHealthyBot('100k 332');
  await hostile.flood(`${SRV} 353 zen = #big :u{i}a u{i}b u{i}c u{i}d u{i}e u{i}f u{i}g u{i}h`, 50_000, 90000);
  await expectHealthyBot('50k 353');
  await hostile.send([`${SRV} BATCH +endless netsplit a b`]);
  await hostile.flood(`@batch=endless ${ALICE} QUIT :split {i}`, 50_000, 90000);
  await expectHealthyBot('an endless BATCH');
  await hostile.flood(`${SRV} 005 zen A{i}=1 B{i}=2 C{i}=3 D{i}=4 E{i}=5 F{i}=6 G{i}=7 H{i}=8 :are supported by this server`, 50_000, 90000);
  await expectHealthyBot('400k ISUPPORT tokens');
  expect(await metric('zen_irc_bad_lines_total{reason="reply_overflow"}')).toBeGreaterThan(0);
});

it('publishes only schema-valid events: no forged account, long text truncated, __proto__ kept in names', async () => {
  await hostile.send([
    `@account=admin ${ALICE} PRIVMSG #hostile :forged account`,
    `${ALICE} PRIVMSG #hostile :${'long '.repeat(1500)}`,
    `${SRV} 353 zen = #hostile :@zen __proto__ constructor +alice`,
    `${SRV} 366 zen #hostile :End of /NAMES list.`,
    `${ALICE} JOIN`,
    `${ALICE} KICK #hostile`,
    `${ALICE} NICK`,
  ]);
  const forged = await waitForEvent((e) => e.type === 'privmsg' && e.data.message === 'forged account', 'the forged-account privmsg');
  expect(forged.data).not.toHaveProperty('account');
  const long = await waitForEvent((e) => e.type === 'privmsg' && e.data.message.startsWith('long long'), 'the long privmsg');
  const text = long.type === 'privmsg' ? long.data.message : '';
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
  expect(text.endsWith(TRUNCATED_MARKER)).toBe(true);
  const namesEvent = await waitForEvent((e) => e.type === 'names' && Object.hasOwn(e.data.nicks, '__proto__'), 'names with __proto__');
  expect(namesEvent.type === 'names' && { ...namesEvent.data.nicks }).toEqual(Object.fromEntries([['zen', '@'], ['__proto__', ''], ['constructor', ''], ['alice', '+']]));
  await expectHealthyBot('schema checks');
  expect(await metric('zen_irc_bad_lines_total{reason="invalid_event"}')).toBeGreaterThanOrEqual(3);
});

it('rejoins a configured channel after a raw JOIN 0 or PART, and after a reconnect; /healthz is not ok meanwhile', async () => {
  hostile.clearLines();
  await out({ type: 'raw', command: 'JOIN 0' });
  await hostile.waitForLine((l) => l === 'JOIN 0');
  await waitUntil(async () => (await healthz()).status !== 'ok', 5000, '/healthz to stop saying ok');
  await hostile.waitForLine((l) => /^JOIN #hostile$/.test(l), 15000, 'the bot to rejoin #hostile');
  await hostile.waitForLine((l) => /^JOIN #cfg$/.test(l), 15000, 'the bot to rejoin #cfg');
  await waitUntil(async () => (await healthz()).status === 'ok', 15000, '/healthz ok again');
  expect((await healthz()).irc.channels.sort()).toEqual(['#cfg', '#hostile']);

  hostile.clearLines();
  await out({ type: 'raw', command: 'PART #cfg :bye' });
  await hostile.waitForLine((l) => l === 'JOIN #cfg', 15000, 'the bot to rejoin #cfg after a raw PART');
  await waitUntil(async () => (await healthz()).status === 'ok', 15000, '/healthz ok after the PART');

  hostile.clearLines();
  const connections = hostile.connections();
  await hostile.close();
  await waitUntil(() => hostile.connections() > connections, 15000, 'the bot to reconnect');
  await hostile.waitForLine((l) => /^JOIN .*#hostile/.test(l) && /#cfg/.test(l), 15000, 'the bot to join both configured channels');
  await waitUntil(async () => (await healthz()).status === 'ok', 15000, '/healthz ok after the reconnect');
  await expectHealthyBot('JOIN 0, PART and reconnect');
});

it('rejoins a configured channel once, however many KICKs and PARTs of it arrive', async () => {
  hostile.clearLines();
  const lines: string[] = [];
  for (let i = 0; i < 500; i++) lines.push(`${SRV} KICK #cfg zen :kick ${i}`, `${ME} PART #cfg :part ${i}`);
  await hostile.send(lines);
  await hostile.waitForLine((l) => l === 'JOIN #cfg', 15000, 'the bot to rejoin #cfg');
  await waitUntil(async () => (await healthz()).status === 'ok', 15000, '/healthz ok after the rejoin');
  expect(hostile.lines.filter((l) => l.startsWith('JOIN'))).toEqual(['JOIN #cfg']);
  await expectHealthyBot('a KICK and PART flood');
});

it('keeps every line within 512 bytes as relayed after 396 and CHGHOST give it a longer host', async () => {
  const measure = (host: string) => (line: string) => prefixBytes({ nick: 'zen', user: '~zen', host }) + Buffer.byteLength(line) + 2;
  const message = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
  const cloak = `${'c'.repeat(50)}.cloak.test`;
  expect(cloak).toHaveLength(61);
  await hostile.send([`${SRV} 396 zen ${cloak} :is now your displayed host`]);
  for (const [step, host, change] of [
    ['396', cloak, null],
    ['CHGHOST', `${'d'.repeat(70)}.example`, `${ME.replace('client.hostile.test', cloak)} CHGHOST ~zen ${'d'.repeat(70)}.example`],
  ] as const) {
    if (change) await hostile.send([change]);
    await new Promise((r) => setTimeout(r, 300));
    hostile.clearLines();
    await out({ type: 'privmsg', data: { to: '#hostile', message: `${step} ${message}` } });
    await hostile.waitForLine((l) => l.endsWith(' w299'), 15000, `the last piece after ${step}`);
    const pieces = hostile.lines.filter((l) => l.startsWith('PRIVMSG #hostile :'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const l of pieces) expect(measure(host)(l)).toBeLessThanOrEqual(512);
    expect(pieces.map((l) => l.slice('PRIVMSG #hostile :'.length)).join(' ')).toBe(`${step} ${message}`);

    // A raw TOPIC of 502 bytes would be more than 512 as relayed: refused with a reason, not cut.
    const errorsBefore = errors.length;
    await out({ type: 'raw', command: `TOPIC #hostile :${'t'.repeat(502 - 'TOPIC #hostile :'.length)}` });
    await waitUntil(() => errors.length > errorsBefore, 15000, 'an error event for the long raw TOPIC');
    expect(errors[errorsBefore]?.data).toMatchObject({ code: 'bad_raw', reason: expect.stringMatching(/as the server relays it/) });
    // The longest that fits with the current host goes out whole.
    hostile.clearLines();
    const topic = `TOPIC #hostile :${'t'.repeat(512 - measure(host)('TOPIC #hostile :'))}`;
    await out({ type: 'raw', command: topic });
    expect(await hostile.waitForLine((l) => l.startsWith('TOPIC #hostile :'), 15000, 'the raw TOPIC')).toBe(topic);
    expect(measure(host)(topic)).toBe(512);
  }
  await expectHealthyBot('396 and CHGHOST');
});
