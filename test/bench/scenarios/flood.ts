/**
 * Flood control on: a backlog on `out` goes out at the configured rate. Runs
 * a bot with the defaults (IRC_SEND_BURST=4, IRC_SEND_RATE=1) and one with
 * IRC_SEND_RATE=5 side by side, and compares the steady rate after the burst
 * with the configured one.
 */
import { Redis } from 'ioredis';
import { botEnv, type BenchContext } from '../lib/context';
import { benchUser, isPrivmsg, joinedBy } from '../lib/ircUsers';
import { spawnZen, type Child } from '../lib/procs';
import { nowMs, round } from '../lib/stats';
import { delay } from '../../harness/waitFor';
import { outEnvelope } from './out';

interface Config {
  label: string;
  nick: string;
  channel: string;
  burst: number;
  rate: number;
  env: Record<string, string>;
}

const CONFIGS: Config[] = [
  { label: 'defaults (burst 4, 1 line/s)', nick: 'zbot-fc1', channel: '#fc-default', burst: 4, rate: 1, env: {} },
  { label: 'IRC_SEND_RATE=5', nick: 'zbot-fc5', channel: '#fc-5', burst: 4, rate: 5, env: { IRC_SEND_RATE: '5' } },
];

export async function flood(ctx: BenchContext): Promise<void> {
  const seconds = ctx.options.quick ? 8 : 30;
  const children: Child[] = [];
  const reader = await benchUser(ctx, 'fcreader', CONFIGS.map((c) => c.channel));
  const pub = new Redis(ctx.redis.url);
  try {
    for (const c of CONFIGS) {
      children.push(spawnZen(`zen bot ${c.label}`, ['bot'], { env: botEnv(ctx, c.nick, [c.channel], { ...c.env, ZEN_NAMESPACE: c.nick }) }));
    }
    await Promise.all(CONFIGS.map((c) => joinedBy(reader, c.nick, c.channel, 30000)));
    // Let the registration lines' charge on the bucket pass, then fill the queue.
    await delay(5000);
    const since = reader.lines.length;
    const arrivals = new Map<string, number[]>(CONFIGS.map((c) => [c.nick, []]));
    const watching = reader.waitFor(
      (l) => {
        for (const c of CONFIGS) if (isPrivmsg(l, c.nick, c.channel)) arrivals.get(c.nick)?.push(nowMs());
        return false;
      },
      (seconds + 5) * 1000,
      since,
    ).catch(() => undefined); // ends by timeout, by design
    for (const c of CONFIGS) {
      const pipeline = pub.pipeline();
      const backlog = c.burst + Math.ceil(c.rate * seconds * 1.5) + 10;
      for (let i = 0; i < backlog; i++) pipeline.publish(`${c.nick}:out`, outEnvelope(c.channel, `fc ${i}`));
      await pipeline.exec();
    }
    await watching;
    for (const c of CONFIGS) {
      const at = arrivals.get(c.nick) ?? [];
      const steady = at.slice(c.burst);
      if (steady.length < 3) throw new Error(`${c.label}: only ${at.length} lines arrived in ${seconds} s`);
      const achieved = (steady.length - 1) / ((steady[steady.length - 1] - steady[0]) / 1000);
      ctx.record({
        id: `flood.${c.rate}`,
        name: `flood control ${c.label}: achieved rate over ${seconds} s`,
        value: round(achieved, 3),
        unit: 'lines/s',
        target: `≥ 95% of ${c.rate}/s`,
        met: achieved >= 0.95 * c.rate,
        note: `${round((100 * achieved) / c.rate, 1)}% of configured, ${at.length} lines incl. burst`,
      });
    }
  } finally {
    reader.destroy();
    pub.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}
