/**
 * A burst of `in` events on a real Redis is published as one script call per
 * batch (bot/redis/batchScript.ts) instead of one PUBLISH per event, and a
 * command's pair of stream entries is one call instead of a MULTI; a burst's
 * first entries still go into the stream one XADD each, so it spreads over
 * the readers waiting on it, and the rest as one call. Every event arrives, in order, on pub/sub and in the stream;
 * one refused item fails alone; a server that refuses scripts (an ACL without
 * EVAL) or has forgotten them (SCRIPT FLUSH) still gets everything.
 */
import { Redis } from 'ioredis';
import { busNames, envelope, type InboundEvent } from '@zenrelay/protocol';
import type { Logger } from '@zenrelay/runtime';
import { RedisBus } from '../../bot/redis/redisBus';
import { InStreamWriter, IN_STREAM_FIELD } from '../../bot/redis/inStream';
import { PUBLISH_MANY, SCRIPT_BATCH_MIN, XADD_MANY } from '../../bot/redis/batchScript';
import { SPREAD_ENTRIES } from '../../bot/redis/inStream';
import { BotMetrics } from '../../bot/metrics';
import { startRedis, waitUntil, type RedisServer } from '../harness';

jest.setTimeout(60000);

let redis: RedisServer;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

/** A logger that keeps the warnings' messages. */
function recordingLog(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log = {
    warn: (_fields: unknown, message: string) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    error: (_fields: unknown, message: string) => warnings.push(message),
    child: () => log,
  };
  return { log: log as unknown as Logger, warnings };
}

const event = (text: string): InboundEvent => ({ ...envelope('privmsg', { sender: 'flooder', channel: '#test', message: text }), id: text }) as InboundEvent;

/** The bot's two writers on `url`, with pub/sub and stream readers; `send` queues a burst and flushes it in one turn, as the bridge does. */
async function writers(url: string, ns: string) {
  const names = busNames(ns);
  const { log, warnings } = recordingLog();
  const bus = new RedisBus({ target: { kind: 'single', url }, names, inBufferMax: 100, adminChannel: '#admin' }, log, new BotMetrics());
  await bus.start(() => undefined);
  const stream = new InStreamWriter({ target: { kind: 'single', url }, stream: names.inStream, maxLen: 100000, bufferMax: 100000, connection: bus.publisher }, log);
  stream.start();
  const sub = new Redis(redis.url);
  const heard: string[] = [];
  sub.on('message', (_channel: string, message: string) => heard.push((JSON.parse(message) as InboundEvent & { id: string }).id));
  await sub.subscribe(names.in);
  const send = (texts: string[]): void => {
    for (const text of texts) {
      const e = event(text);
      const payload = JSON.stringify(e);
      bus.queueIn(e, payload);
      stream.queue(e, payload);
    }
    bus.flush();
    stream.flush();
  };
  const streamed = async (): Promise<string[]> => {
    const entries = (await admin.xrange(names.inStream, '-', '+')) as Array<[string, string[]]>;
    return entries.map(([, fields]) => (JSON.parse(fields[fields.indexOf(IN_STREAM_FIELD) + 1] ?? '{}') as { id: string }).id);
  };
  const stop = async () => {
    sub.disconnect();
    await stream.stop();
    await bus.stop();
  };
  return { names, bus, stream, heard, send, streamed, warnings, stop };
}

const burst = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Watches the commands clients send (MONITOR), by name: commands run inside a script show as from `lua` and are left out. */
async function watchCommands(): Promise<{ calls(command: string): number; stop(): void }> {
  const monitor = await admin.monitor();
  const seen = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const name = String(args[0]).toLowerCase();
    seen.set(name, (seen.get(name) ?? 0) + 1);
  });
  return { calls: (command) => seen.get(command) ?? 0, stop: () => monitor.disconnect() };
}

it('a burst is published by script calls, not one PUBLISH per event, and arrives whole and in order on pub/sub and the stream', async () => {
  const w = await writers(redis.url, 'burst');
  try {
    const commands = await watchCommands();
    const texts = burst('b', 1200);
    w.send(texts);
    await waitUntil(async () => w.heard.length >= texts.length && (await w.streamed()).length >= texts.length, 20000, 'the whole burst');
    commands.stop();
    expect(w.heard).toEqual(texts);
    expect(await w.streamed()).toEqual(texts);
    // 1,200 events published in batches of at most 500, appended in batches of at most 200 whose first
    // SPREAD_ENTRIES are XADDs of their own: a handful of calls, a few dozen XADDs.
    expect(commands.calls('publish')).toBe(0);
    expect(commands.calls('evalsha') + commands.calls('eval')).toBeGreaterThanOrEqual(3 + 6);
    expect(commands.calls('evalsha') + commands.calls('eval')).toBeLessThan(40);
    expect(commands.calls('xadd')).toBeGreaterThanOrEqual(SPREAD_ENTRIES);
    expect(commands.calls('xadd')).toBeLessThanOrEqual(SPREAD_ENTRIES * 12);
    expect(w.warnings).toEqual([]);
  } finally {
    await w.stop();
  }
});

it('a single event keeps its plain commands; a pair (a command) is one call each, with no MULTI', async () => {
  const w = await writers(redis.url, 'few');
  try {
    expect(SCRIPT_BATCH_MIN).toBe(2);
    let commands = await watchCommands();
    w.send(['single']);
    await waitUntil(async () => w.heard.length >= 1 && (await w.streamed()).length >= 1, 10000, 'the event');
    commands.stop();
    expect(commands.calls('publish')).toBe(1);
    expect(commands.calls('xadd')).toBe(1);
    expect(commands.calls('evalsha') + commands.calls('eval')).toBe(0);

    // Loaded beforehand, so no EVALSHA is answered NOSCRIPT (then sent again as EVAL).
    for (const lua of [PUBLISH_MANY, XADD_MANY]) await admin.script('LOAD', lua);
    commands = await watchCommands();
    w.send(['privmsg', 'directed']);
    await waitUntil(async () => w.heard.length >= 3 && (await w.streamed()).length >= 3, 10000, 'the pair');
    commands.stop();
    expect(w.heard).toEqual(['single', 'privmsg', 'directed']);
    expect(await w.streamed()).toEqual(['single', 'privmsg', 'directed']);
    expect(commands.calls('publish') + commands.calls('xadd') + commands.calls('multi')).toBe(0);
    expect(commands.calls('evalsha')).toBe(2);
    expect(commands.calls('eval')).toBe(0);
  } finally {
    await w.stop();
  }
});

it('a reader blocked on the stream gets both entries of a pair in one read', async () => {
  const w = await writers(redis.url, 'pair');
  const reader = new Redis(redis.url);
  try {
    await admin.xgroup('CREATE', w.names.inStream, 'g', '$', 'MKSTREAM');
    const read = reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', 50, 'BLOCK', 5000, 'STREAMS', w.names.inStream, '>') as Promise<Array<[string, Array<[string, string[]]>]> | null>;
    await waitUntil(async () => String(await admin.client('LIST')).includes('cmd=xreadgroup'), 5000, 'the reader to block');
    w.send(['privmsg', 'directed']);
    const reply = await read;
    expect(reply?.[0]?.[1].map(([, fields]) => (JSON.parse(fields[1] ?? '{}') as { id: string }).id)).toEqual(['privmsg', 'directed']);
  } finally {
    reader.disconnect();
    await w.stop();
  }
});

it('a burst spreads over the readers blocked on the stream: its first entries are XADDs of their own', async () => {
  const w = await writers(redis.url, 'spread');
  const readers = [new Redis(redis.url), new Redis(redis.url)];
  try {
    await admin.xgroup('CREATE', w.names.inStream, 'g', '$', 'MKSTREAM');
    const reads = readers.map(
      (r, i) => r.xreadgroup('GROUP', 'g', `c${i}`, 'COUNT', 50, 'BLOCK', 5000, 'STREAMS', w.names.inStream, '>') as Promise<Array<[string, unknown[]]> | null>,
    );
    await waitUntil(async () => (String(await admin.client('LIST')).match(/cmd=xreadgroup/g) ?? []).length >= 2, 5000, 'both readers to block');
    w.send(burst('s', 10));
    const got = (await Promise.all(reads)).map((reply) => reply?.[0]?.[1].length ?? 0);
    expect(got.every((n) => n >= 1)).toBe(true);
  } finally {
    for (const r of readers) r.disconnect();
    await w.stop();
  }
});

it('a stream key of the wrong type fails the stream items alone, in a burst and in a pair: pub/sub still gets everything', async () => {
  const w = await writers(redis.url, 'wrongtype');
  try {
    await admin.set(w.names.inStream, 'not a stream');
    const texts = burst('w', 300);
    w.send(texts);
    await waitUntil(() => w.heard.length >= texts.length && w.stream.dropped >= texts.length, 20000, 'the burst published and the stream items counted as dropped');
    expect(w.heard).toEqual(texts);
    expect(w.stream.dropped).toBe(texts.length);
    expect(w.warnings.some((m) => m.includes('could not append to the in stream'))).toBe(true);
    // A pair is one script call: each of its XADDs fails alone inside it.
    w.send(['pair1', 'pair2']);
    await waitUntil(() => w.heard.length >= texts.length + 2 && w.stream.dropped >= texts.length + 2, 10000, 'the pair published and its entries counted as dropped');
    expect(w.heard.slice(-2)).toEqual(['pair1', 'pair2']);
    expect(w.stream.dropped).toBe(texts.length + 2);
  } finally {
    await w.stop();
    await admin.del(w.names.inStream);
  }
});

it('after SCRIPT FLUSH (or a Redis restart) the scripts are loaded again and nothing is lost', async () => {
  const w = await writers(redis.url, 'flush');
  try {
    w.send(burst('one', 100));
    await waitUntil(() => w.heard.length >= 100, 10000, 'the first burst');
    await admin.script('FLUSH');
    w.send(burst('two', 100));
    await waitUntil(async () => w.heard.length >= 200 && (await w.streamed()).length >= 200, 10000, 'the second burst');
    expect(w.heard).toEqual([...burst('one', 100), ...burst('two', 100)]);
    expect(await w.streamed()).toEqual([...burst('one', 100), ...burst('two', 100)]);
  } finally {
    await w.stop();
  }
});

it('an ACL user without EVAL/EVALSHA: a warning says what to grant, and the burst goes command by command', async () => {
  await admin.call('ACL', 'SETUSER', 'noscripts', 'on', '>pw', '~*', '&*', '+@all', '-evalsha', '-eval');
  const url = redis.url.replace('redis://', 'redis://noscripts:pw@');
  const w = await writers(url, 'acl');
  try {
    // A pair: both writers try their script, are refused, and send it command by command.
    w.send(['p1', 'p2']);
    await waitUntil(async () => w.heard.length >= 2 && (await w.streamed()).length >= 2, 10000, 'the pair');
    expect(w.warnings.filter((m) => m.includes('refused a script call'))).toHaveLength(2); // once per writer
    const texts = burst('a', 400);
    w.send(texts);
    await waitUntil(async () => w.heard.length >= texts.length + 2 && (await w.streamed()).length >= texts.length + 2, 20000, 'the whole burst');
    expect(w.heard).toEqual(['p1', 'p2', ...texts]);
    expect(await w.streamed()).toEqual(['p1', 'p2', ...texts]);
    w.send(['q1', 'q2']);
    await waitUntil(() => w.heard.length >= texts.length + 4, 10000, 'the next pair');
    expect(w.warnings.filter((m) => m.includes('refused a script call'))).toHaveLength(2);
  } finally {
    await w.stop();
  }
});
