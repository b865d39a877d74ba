/**
 * Out: one pipeline of `out` envelopes; how fast do they reach a user on IRC
 * through `zen bot` (flood control off), against a bare irc-framework client
 * saying as many lines and a raw-socket client writing them all in one
 * buffer (the fastest a client can send). Rounds alternate.
 */
import { Redis } from 'ioredis';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { arrivals, benchUser, joinedBy } from '../lib/ircUsers';
import { baselineScript, spawnNodeChild, spawnZen, type Child } from '../lib/procs';
import { median, nowMs, round } from '../lib/stats';

const PADDING = 'x'.repeat(60);

/** A ZenIRCBot `out` envelope saying `text` to `to`. */
export function outEnvelope(to: string, text: string): string {
  return JSON.stringify({ version: 1, type: 'privmsg', data: { to, message: text } });
}

export async function out(ctx: BenchContext): Promise<void> {
  const lines = 5000;
  const rounds = ctx.options.quick ? 2 : 5;
  const children: Child[] = [];
  const reader = await benchUser(ctx, 'outreader', ['#out-zen', '#out-bare', '#out-raw']);
  const pub = new Redis(ctx.redis.url);
  try {
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, 'zbot-out', ['#out-zen'], NO_FLOOD_CONTROL), nodeFlags: ctx.nodeFlags('out-bot') });
    children.push(bot);
    const sender = spawnNodeChild('bare sender', baselineScript('bareSender'), [ctx.irc.host, String(ctx.irc.port), 'baresender', '#out-bare'], { env: {} });
    children.push(sender);
    const raw = spawnNodeChild('raw sender', baselineScript('rawSender'), [ctx.irc.host, String(ctx.irc.port), 'rawsender', '#out-raw'], { env: {} });
    children.push(raw);
    await Promise.all([joinedBy(reader, 'zbot-out', '#out-zen', 30000), sender.waitForLine(/"ready"/, 30000), raw.waitForLine(/"ready"/, 30000)]);
    // The bot subscribes to `out` once it is up; wait for the subscription.
    for (let i = 0; ; i++) {
      const [, subscribers] = (await pub.pubsub('NUMSUB', 'out')) as [string, number];
      if (Number(subscribers) > 0) break;
      if (i > 300) throw new Error('zen bot never subscribed to `out`');
      await new Promise((r) => setTimeout(r, 100));
    }

    const zenRates: number[] = [];
    const bareRates: number[] = [];
    const rawRates: number[] = [];
    let p99Note = '';
    for (let r = 0; r < rounds; r++) {
      let prefix = `out-${r}-`;
      let since = reader.lines.length;
      const pipeline = pub.pipeline();
      for (let i = 0; i < lines; i++) pipeline.publish('out', outEnvelope('#out-zen', `${prefix}${i} ${PADDING}`));
      let start = nowMs();
      const zenArrived = arrivals(reader, 'zbot-out', '#out-zen', prefix, lines, 120000, since);
      await pipeline.exec();
      const zen = await zenArrived;
      zenRates.push(lines / ((zen.at[zen.at.length - 1] - start) / 1000));
      const firstMs = zen.at[0] - start;
      p99Note = `first line after ${round(firstMs, 1)} ms`;

      prefix = `bare-${r}-`;
      since = reader.lines.length;
      const bareArrived = arrivals(reader, 'baresender', '#out-bare', prefix, lines, 120000, since);
      start = nowMs();
      sender.tell(`say #out-bare ${prefix} ${lines}`);
      const bare = await bareArrived;
      bareRates.push(lines / ((bare.at[bare.at.length - 1] - start) / 1000));

      prefix = `raw-${r}-`;
      since = reader.lines.length;
      const rawArrived = arrivals(reader, 'rawsender', '#out-raw', prefix, lines, 120000, since);
      start = nowMs();
      raw.tell(`say #out-raw ${prefix} ${lines}`);
      const rawDone = await rawArrived;
      rawRates.push(lines / ((rawDone.at[rawDone.at.length - 1] - start) / 1000));
    }
    const zen = median(zenRates);
    const bare = median(bareRates);
    ctx.record({
      id: 'out.rate',
      name: `out: ${lines} \`out\` envelopes in one pipeline → IRC lines, flood control off (median of ${rounds})`,
      value: Math.round(zen),
      unit: 'lines/s',
      baseline: { name: 'bare irc-framework client saying the lines', value: Math.round(bare) },
      target: '≥ 0.8× baseline and ≥ 10,000/s',
      met: zen >= 0.8 * bare && zen >= 10000,
      note: `${round(zen / bare)}×; ${p99Note}`,
    });
    const fastest = median(rawRates);
    ctx.record({
      id: 'out.rate.raw',
      name: 'out, against a raw-socket client writing all lines in one buffer',
      value: Math.round(zen),
      unit: 'lines/s',
      baseline: { name: 'raw socket, one write', value: Math.round(fastest) },
      note: `${round(zen / fastest)}×`,
    });
  } finally {
    reader.destroy();
    pub.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}
