/**
 * `npm run bench`: speed and memory of the parts that matter, measured on
 * real components. Nothing here is a pass/fail test; it prints a table (and
 * JSON with --json) to compare runs and machines.
 *
 * - split: the UTF-8 line splitter on a 16 KiB multibyte text;
 * - parse: `out` payload validation (parseOutbound);
 * - relay out: messages published on `out` until a real IRC user has them all
 *   (real redis-server, real ngircd without flood penalty, the bridge with
 *   IRC_SEND_RATE=0), with latency percentiles and the bridge's memory;
 * - relay in: lines said by a real IRC user until they are all on `in`;
 * - in latency with and without the `in` stream: the pub/sub path must not
 *   pay for the stream write (ZEN_IN_STREAM_MAXLEN=0 turns it off).
 */
import { Redis } from 'ioredis';
import { Bridge } from '../../bot/bridge';
import { loadBotConfig } from '../../bot/config';
import { createLogger } from '../../bot/log';
import { splitText, textBudget } from '../../bot/outbound/splitter';
import { parseOutbound } from '../../clients/protocol';
import { connectUser, startNgircd, startRedis, waitUntil } from '../harness';

interface Result {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const results: Result[] = [];
const record = (name: string, value: number, unit: string, note?: string) => results.push({ name, value: Math.round(value * 100) / 100, unit, note });

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const out = fn();
  return [out, Number(process.hrtime.bigint() - start) / 1e6];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function benchSplit(): void {
  const unit = 'Grüße 日本語 👩‍👩‍👧 café naïve résumé ';
  const text = unit.repeat(Math.ceil(16384 / Buffer.byteLength(unit))).slice(0, 8000);
  const bytes = Buffer.byteLength(text);
  const budget = textBudget({ nick: 'zenrelay', command: 'PRIVMSG', target: '#channel' });
  const rounds = 500;
  const [, ms] = time(() => {
    for (let i = 0; i < rounds; i++) splitText(text, budget);
  });
  record(`split a ${Math.round(bytes / 1024)} KiB multibyte text`, (bytes * rounds) / 1024 / 1024 / (ms / 1000), 'MiB/s', `${splitText(text, budget).length} lines each`);
}

function benchParse(): void {
  const payload = Buffer.from(JSON.stringify({ version: 1, type: 'privmsg', data: { to: ['#a', 'bob'], message: 'deploy v1.4 done on web-1' } }));
  const junk = Buffer.from('{"version":1,"type":"privmsg","data":{"to":35}}');
  const rounds = 100000;
  const [, ms] = time(() => {
    for (let i = 0; i < rounds; i++) parseOutbound(i % 10 === 0 ? junk : payload);
  });
  record('parse out payloads (10% invalid)', rounds / (ms / 1000), 'payloads/s');
}

async function benchRelay(messages: number): Promise<void> {
  const redis = await startRedis();
  const irc = await startNgircd({ noPenalty: true });
  const config = loadBotConfig({
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    REDIS_URL: redis.url,
    IRC_NICK: 'benchbot',
    IRC_CHANNELS: '#bench',
    IRC_SEND_RATE: '0',
    ZEN_QUEUE_MAX_LINES: String(messages * 2),
    LOG_LEVEL: 'silent',
  });
  const bridge = new Bridge(config, createLogger('silent'));
  const user = await connectUser({ host: irc.host, port: irc.port, nick: 'reader' });
  const pub = new Redis(redis.url);
  const sub = new Redis(redis.url);
  try {
    await user.join('#bench');
    await bridge.start();
    await waitUntil(() => bridge.status().ircReady, 20000, 'the bridge to be ready');

    // out → IRC
    const rssBefore = process.memoryUsage().rss;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const start = Date.now();
    const pipeline = pub.pipeline();
    for (let i = 0; i < messages; i++) {
      const text = `bench message ${i} ${'x'.repeat(60)}`;
      sentAt.set(`bench message ${i}`, start);
      pipeline.publish('out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#bench', message: text } }));
    }
    await pipeline.exec();
    let seen = 0;
    await waitUntil(
      () => {
        const lines = user.lines;
        for (; seen < lines.length; seen++) {
          const l = lines[seen];
          if (l.command !== 'PRIVMSG' || l.nick !== 'benchbot') continue;
          const key = l.params[1].split(' ').slice(0, 3).join(' ');
          const t = sentAt.get(key);
          if (t !== undefined) latencies.push(l.receivedAt - t);
        }
        return latencies.length >= messages;
      },
      120000,
      `all ${messages} messages to reach the IRC user`,
      20,
    );
    const elapsed = Date.now() - start;
    const rssPeak = process.memoryUsage().rss;
    latencies.sort((a, b) => a - b);
    record(`relay out → IRC, ${messages} messages`, messages / (elapsed / 1000), 'msg/s', `p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (from one pipelined burst)`);
    record('process RSS growth during the burst', (rssPeak - rssBefore) / 1024 / 1024, 'MiB');

    // IRC → in
    const received: number[] = [];
    sub.on('message', (_channel: string, message: string) => {
      if (message.includes('"bench in')) received.push(Date.now());
    });
    await sub.subscribe('in');
    const inCount = Math.min(messages, 2000);
    const inStart = Date.now();
    for (let i = 0; i < inCount; i++) user.say('#bench', `bench in ${i}`);
    await waitUntil(() => received.length >= inCount, 120000, `all ${inCount} lines to reach \`in\``, 20);
    record(`relay IRC → in, ${inCount} lines`, inCount / ((Date.now() - inStart) / 1000), 'events/s');
  } finally {
    user.destroy();
    await bridge.stop().catch(() => undefined);
    pub.disconnect();
    sub.disconnect();
    await irc.stop();
    await redis.stop();
  }
}

/** Lines said by a real IRC user until they are on `in`, with the `in` stream on (`maxLen` > 0) or off. */
async function benchInLatency(lines: number, maxLen: number): Promise<void> {
  const redis = await startRedis();
  const irc = await startNgircd({ noPenalty: true });
  const config = loadBotConfig({ IRC_HOST: irc.host, IRC_PORT: String(irc.port), REDIS_URL: redis.url, IRC_NICK: 'benchbot', IRC_CHANNELS: '#bench', ZEN_IN_STREAM_MAXLEN: String(maxLen), LOG_LEVEL: 'silent' });
  const bridge = new Bridge(config, createLogger('silent'));
  const user = await connectUser({ host: irc.host, port: irc.port, nick: 'writer' });
  const sub = new Redis(redis.url);
  try {
    await user.join('#bench');
    await bridge.start();
    await waitUntil(() => bridge.status().ircReady, 20000, 'the bridge to be ready');
    const saidAt: number[] = [];
    const latencies: number[] = [];
    sub.on('message', (_channel: string, message: string) => {
      const match = /"bench lat (\d+)"/.exec(message);
      if (match) latencies.push(Date.now() - saidAt[Number(match[1])]);
    });
    await sub.subscribe('in');
    // Paced in small groups, so the latency is the relay's and not a queue's.
    for (let i = 0; i < lines; i++) {
      saidAt[i] = Date.now();
      user.say('#bench', `bench lat ${i}`);
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitUntil(() => latencies.length >= lines, 120000, `all ${lines} lines to reach \`in\``, 20);
    latencies.sort((a, b) => a - b);
    const reader = new Redis(redis.url);
    const streamed = await reader.xlen('zenrelay:in');
    reader.disconnect();
    record(`IRC → in latency, in stream ${maxLen > 0 ? 'on' : 'off'}`, percentile(latencies, 50), 'ms p50', `p99 ${percentile(latencies, 99)} ms over ${lines} lines${maxLen > 0 ? `; ${streamed} stream entries` : ''}`);
  } finally {
    user.destroy();
    await bridge.stop().catch(() => undefined);
    sub.disconnect();
    await irc.stop();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const messages = Number(process.env.BENCH_MESSAGES ?? 5000);
  benchSplit();
  benchParse();
  await benchRelay(messages);
  await benchInLatency(1000, 0);
  await benchInLatency(1000, 10000);
  if (json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
  } else {
    process.stdout.write(`zenrelay benchmarks (node ${process.version})\n`);
    for (const r of results) process.stdout.write(`  ${r.name.padEnd(40)} ${String(r.value).padStart(12)} ${r.unit}${r.note ? `  (${r.note})` : ''}\n`);
  }
  process.exit(0);
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
