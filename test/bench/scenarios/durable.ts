/**
 * The durable path (`zen notify`, stream + consumer group), flood control off:
 * - a backlog of notices queued while no bot runs (as after an outage), then
 *   `zen bot` starts and drains it: throughput and the bot's peak RSS;
 * - notices queued one at a time with the bot running: latency from sending
 *   the XADD (the `zen notify` transaction) to the line on IRC.
 */
import { NoticeClient, prepareNotice } from '../../../clients/notices';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { arrivals, benchUser, isPrivmsg, joinedBy } from '../lib/ircUsers';
import { sampleRss, spawnZen, type Child } from '../lib/procs';
import { nowMs, percentile, round, sortedCopy } from '../lib/stats';

const NS = 'durable';
const CHANNEL = '#durable';
const NICK = 'zbot-dur';

async function queue(client: NoticeClient, text: string): Promise<void> {
  const prepared = prepareNotice({ to: [CHANNEL], message: text });
  if (!prepared.ok) throw new Error(prepared.reason);
  await client.send(prepared);
}

export async function durable(ctx: BenchContext): Promise<void> {
  const backlog = ctx.options.quick ? 20000 : 100000;
  const sequential = ctx.options.quick ? 300 : 1000;
  const children: Child[] = [];
  const reader = await benchUser(ctx, 'durreader', [CHANNEL]);
  const client = new NoticeClient({ redis: ctx.redis.url, namespace: NS });
  try {
    await client.connect();
    const queuedStart = nowMs();
    for (let i = 0; i < backlog; i += 2000) {
      const batch: Promise<void>[] = [];
      for (let k = i; k < Math.min(backlog, i + 2000); k++) batch.push(queue(client, `backlog-${k}`));
      await Promise.all(batch);
    }
    const queueRate = backlog / ((nowMs() - queuedStart) / 1000);

    const since = reader.lines.length;
    const drained = arrivals(reader, NICK, CHANNEL, 'backlog-', backlog, 600000, since);
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, NICK, [CHANNEL], { ...NO_FLOOD_CONTROL, ZEN_NAMESPACE: NS }), nodeFlags: ctx.nodeFlags('durable-bot') });
    children.push(bot);
    const rss = sampleRss(bot.pid);
    await joinedBy(reader, NICK, CHANNEL, 30000, since);
    const { at } = await drained;
    const { peak } = rss.stop();
    const rate = (at.length - 1) / ((at[at.length - 1] - at[0]) / 1000);
    ctx.record({
      id: 'durable.rate',
      name: `durable: a backlog of ${backlog} notices drained to IRC`,
      value: Math.round(rate),
      unit: 'notices/s',
      note: `queued by the library at ${Math.round(queueRate)}/s`,
    });
    ctx.record({
      id: 'rss.backlog',
      name: `RSS peak while draining ${backlog} durable notices`,
      value: round(peak, 1),
      unit: 'MiB',
      target: '≤ 100 MB',
      met: peak <= 100,
    });

    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const text = `lat-${i}`;
      const mark = reader.lines.length;
      let end = 0;
      const arrived = reader.waitFor(
        (l) => {
          if (!isPrivmsg(l, NICK, CHANNEL) || l.params[1] !== text) return false;
          end = nowMs();
          return true;
        },
        10000,
        mark,
      );
      const start = nowMs();
      await queue(client, text);
      await arrived;
      latencies.push(end - start);
    }
    const l = sortedCopy(latencies);
    ctx.record({ id: 'durable.latency.p50', name: `durable: XADD → line on IRC p50 (${sequential} sequential)`, value: round(percentile(l, 50), 3), unit: 'ms' });
    ctx.record({ id: 'durable.latency.p99', name: 'durable: XADD → line on IRC p99', value: round(percentile(l, 99), 3), unit: 'ms' });
  } finally {
    reader.destroy();
    await client.close();
    await Promise.all(children.map((c) => c.stop()));
  }
}
