/**
 * A short soak: 1,000 messages per second both ways (a user talking in the
 * channel → `in`, `out` envelopes → IRC) through one `zen bot`, its RSS
 * sampled every second. Memory should stay flat once warmed up.
 * Length: 10 s (--quick), 60 s, 600 s with --soak (the long soak,
 * `npm run bench -- --soak`); BENCH_SOAK_SECONDS overrides all three.
 */
import { Redis } from 'ioredis';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { benchUser, isPrivmsg, joinedBy } from '../lib/ircUsers';
import { rssMiB, spawnZen, type Child } from '../lib/procs';
import { round } from '../lib/stats';
import { delay, waitUntil } from '../../harness/waitFor';
import { outEnvelope } from './out';

const PER_TICK = 100;
const TICK_MS = 100;

export async function soak(ctx: BenchContext): Promise<void> {
  const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? (ctx.options.soak ? 600 : ctx.options.quick ? 10 : 60));
  if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`BENCH_SOAK_SECONDS must be a number of seconds ≥ 1, not ${JSON.stringify(process.env.BENCH_SOAK_SECONDS)}`);
  const children: Child[] = [];
  const talker = await benchUser(ctx, 'soaker', ['#soak']);
  const pub = new Redis(ctx.redis.url);
  const sub = new Redis(ctx.redis.url);
  try {
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, 'zbot-soak', ['#soak'], { ...NO_FLOOD_CONTROL, ZEN_NAMESPACE: 'soak' }) });
    children.push(bot);
    await joinedBy(talker, 'zbot-soak', '#soak', 30000);
    let ingested = 0;
    sub.on('message', (_channel: string, message: string) => {
      if (message.includes('"soak in ')) ingested++;
    });
    await sub.subscribe('soak:in');
    let delivered = 0;
    const since = talker.lines.length;
    const counting = talker.waitFor((l) => {
      if (isPrivmsg(l, 'zbot-soak', '#soak')) delivered++;
      return false;
    }, (seconds + 30) * 1000, since).catch(() => undefined);

    const samples: number[] = [];
    let sent = 0;
    const ticks = (seconds * 1000) / TICK_MS;
    for (let t = 0; t < ticks; t++) {
      const started = Date.now();
      const pipeline = pub.pipeline();
      let said = '';
      for (let i = 0; i < PER_TICK; i++) {
        pipeline.publish('soak:out', outEnvelope('#soak', `soak out ${sent + i}`));
        said += `PRIVMSG #soak :soak in ${sent + i}\r\n`;
      }
      talker.sendRaw(said);
      sent += PER_TICK;
      await pipeline.exec();
      if (t % (1000 / TICK_MS) === 0) samples.push(rssMiB(bot.pid));
      await delay(Math.max(0, TICK_MS - (Date.now() - started)));
    }
    await waitUntil(() => delivered >= sent && ingested >= sent, 30000, `all ${sent} soak messages both ways`);
    samples.push(rssMiB(bot.pid));
    void counting;
    const warm = samples[Math.floor(samples.length / 4)];
    const last = samples[samples.length - 1];
    ctx.record({
      id: 'soak.rss.delta',
      name: `soak ${seconds} s at 1,000 msg/s both ways: RSS change after warm-up`,
      value: round(last - warm, 1),
      unit: 'MiB',
      target: 'within ±5 MB',
      met: Math.abs(last - warm) <= 5,
      note: `${round(warm, 1)} → ${round(last, 1)} MiB, peak ${round(Math.max(...samples), 1)} MiB; ${sent} each way, none lost`,
    });
  } finally {
    talker.destroy();
    pub.disconnect();
    sub.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}
