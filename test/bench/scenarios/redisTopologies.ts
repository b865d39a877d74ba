/**
 * Redis beyond one server (issue 12, "Limits, measured"): the `!woot` round
 * trip and the durable notice path on a Sentinel-managed primary (primary +
 * replica + three sentinels, test/harness/sentinel.ts) and on a six-node
 * Redis Cluster (three masters with a replica each, test/harness/redisCluster.ts),
 * next to the bench's single Redis, in the same run:
 * - round trip: one `zen bot` + `zen service hello` per Redis (separate
 *   processes, as the `roundtrip` scenario), the three asked in alternating
 *   blocks so they share the machine's noise;
 * - durable: per Redis (and Sentinel once more with ZEN_NOTICE_WAIT_REPLICAS=1,
 *   the client and the bot both waiting for the replica), a backlog queued
 *   through the `zen notify` library path while no bot runs, drained by a
 *   fresh `zen bot`; then notices one at a time, XADD → line on IRC, the
 *   variants in alternating blocks.
 * Fails only when a path does not complete; the ratios are reported.
 */
import { loadBusConfig, type RedisTarget } from '@zenrelay/runtime';
import { NoticeClient, prepareNotice } from '../../../clients/notices';
import { startRedisCluster, type RedisCluster } from '../../harness/redisCluster';
import { startSentinelSetup, type SentinelSetup } from '../../harness/sentinel';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { arrivals, benchUser, isPrivmsg, joinedBy } from '../lib/ircUsers';
import { spawnZen, type Child } from '../lib/procs';
import { nowMs, percentile, round, sortedCopy } from '../lib/stats';
import { askWoot, untilAnswered } from '../lib/woot';

const BLOCK = 50;

interface Topology {
  key: 'single' | 'sentinel' | 'cluster';
  label: string;
  /** What the zen processes get on top of REDIS_URL. */
  env: Record<string, string>;
  target: RedisTarget;
}

interface DurableVariant {
  key: string;
  label: string;
  topology: Topology;
  nick: string;
  channel: string;
  namespace: string;
  waitReplicas: number;
  client?: NoticeClient;
  bot?: Child;
}

function topologies(ctx: BenchContext, sentinel: SentinelSetup, cluster: RedisCluster): Topology[] {
  const make = (key: Topology['key'], label: string, env: Record<string, string>): Topology => ({
    key,
    label,
    env,
    target: loadBusConfig({ REDIS_URL: ctx.redis.url, ...env }).redis,
  });
  return [
    make('single', 'single Redis', {}),
    make('sentinel', 'Sentinel (primary + replica, 3 sentinels)', sentinel.env),
    make('cluster', 'Cluster (3 masters + 3 replicas)', cluster.env),
  ];
}

async function queue(client: NoticeClient, channel: string, text: string): Promise<void> {
  const prepared = prepareNotice({ to: [channel], message: text });
  if (!prepared.ok) throw new Error(prepared.reason);
  await client.send(prepared);
}

export async function redisTopologies(ctx: BenchContext): Promise<void> {
  const perPath = ctx.options.quick ? 300 : 2000;
  const backlog = ctx.options.quick ? 5000 : 20000;
  const sequential = ctx.options.quick ? 200 : 1000;
  const children: Child[] = [];
  const clients: NoticeClient[] = [];
  let sentinel: SentinelSetup | undefined;
  let cluster: RedisCluster | undefined;
  const user = await benchUser(ctx, 'topouser', []);
  try {
    const setupStart = nowMs();
    const [s, c] = await Promise.allSettled([startSentinelSetup(), startRedisCluster()]);
    if (s.status === 'fulfilled') sentinel = s.value;
    if (c.status === 'fulfilled') cluster = c.value;
    if (s.status === 'rejected') throw s.reason;
    if (c.status === 'rejected') throw c.reason;
    if (!sentinel || !cluster) throw new Error('unreachable: both setups fulfilled');
    process.stdout.write(`  (Sentinel and Cluster up in ${((nowMs() - setupStart) / 1000).toFixed(1)} s)\n`);
    const tops = topologies(ctx, sentinel, cluster);

    // Round trip: a bot + hello service per Redis.
    const paths = tops.map((t) => ({ topology: t, nick: `zrt-${t.key.slice(0, 3)}`, channel: `#rt-${t.key}`, namespace: `rt-${t.key}` }));
    for (const p of paths) await user.join(p.channel);
    for (const p of paths) {
      const env = { ...p.topology.env, ZEN_NAMESPACE: p.namespace };
      children.push(spawnZen(`zen bot (${p.topology.key})`, ['bot'], { env: botEnv(ctx, p.nick, [p.channel], { ...NO_FLOOD_CONTROL, ...env }) }));
      children.push(spawnZen(`zen service hello (${p.topology.key})`, ['service', 'hello'], { env: { REDIS_URL: ctx.redis.url, ...env } }));
    }
    await Promise.all(paths.map((p) => joinedBy(user, p.nick, p.channel, 30000)));
    for (const p of paths) await untilAnswered(user, p);
    for (let i = 0; i < 30; i++) for (const p of paths) await askWoot(user, p, 5000);
    const rtt = new Map<string, number[]>(paths.map((p) => [p.topology.key, []]));
    while ((rtt.get('single') ?? []).length < perPath) {
      for (const p of paths) {
        const into = rtt.get(p.topology.key) ?? [];
        for (let i = 0; i < BLOCK; i++) into.push(await askWoot(user, p, 5000));
      }
    }
    const single = sortedCopy(rtt.get('single') ?? []);
    for (const p of paths) {
      const s = sortedCopy(rtt.get(p.topology.key) ?? []);
      const isSingle = p.topology.key === 'single';
      ctx.record({
        id: `redis.${p.topology.key}.roundtrip.p50`,
        name: `${p.topology.label}: !woot round trip p50, zen bot + hello (${s.length} sequential)`,
        value: round(percentile(s, 50), 3),
        unit: 'ms',
        ...(isSingle ? {} : { baseline: { name: 'single Redis, same run', value: round(percentile(single, 50), 3) } }),
        note: `p99 ${round(percentile(s, 99), 3)} ms${isSingle ? '' : ` (single ${round(percentile(single, 99), 3)} ms); ${round(percentile(s, 50) / percentile(single, 50))}× at p50`}; ${s.filter((t) => t > 20).length} of ${s.length} over 20 ms`,
      });
    }
    // The round-trip processes are done: stop them before the durable part so they cost nothing there.
    await Promise.all(children.splice(0).map((c) => c.stop()));

    // Durable: a backlog drained by a fresh bot, per variant.
    const variants: DurableVariant[] = [
      ...tops.map((t) => ({ key: t.key, label: t.label, topology: t, nick: `zdu-${t.key.slice(0, 3)}`, channel: `#du-${t.key}`, namespace: `du-${t.key}`, waitReplicas: 0 })),
      { key: 'sentinel-wait', label: 'Sentinel, ZEN_NOTICE_WAIT_REPLICAS=1', topology: tops[1], nick: 'zdu-snw', channel: '#du-snw', namespace: 'du-snw', waitReplicas: 1 },
    ];
    for (const v of variants) await user.join(v.channel);
    const drainRates = new Map<string, number>();
    for (const v of variants) {
      const client = new NoticeClient({ redis: v.topology.target, namespace: v.namespace, waitReplicas: v.waitReplicas });
      clients.push(client);
      v.client = client;
      await client.connect();
      const queuedStart = nowMs();
      for (let i = 0; i < backlog; i += 1000) {
        const batch: Promise<void>[] = [];
        for (let k = i; k < Math.min(backlog, i + 1000); k++) batch.push(queue(client, v.channel, `bl-${k}`));
        await Promise.all(batch);
      }
      const queueRate = backlog / ((nowMs() - queuedStart) / 1000);
      const since = user.lines.length;
      const drained = arrivals(user, v.nick, v.channel, 'bl-', backlog, 300000, since);
      const extra: Record<string, string> = { ...NO_FLOOD_CONTROL, ...v.topology.env, ZEN_NAMESPACE: v.namespace };
      if (v.waitReplicas > 0) extra.ZEN_NOTICE_WAIT_REPLICAS = String(v.waitReplicas);
      v.bot = spawnZen(`zen bot (durable, ${v.key})`, ['bot'], { env: botEnv(ctx, v.nick, [v.channel], extra) });
      children.push(v.bot);
      const { at } = await drained;
      const rate = (at.length - 1) / ((at[at.length - 1] - at[0]) / 1000);
      drainRates.set(v.key, rate);
      const base = drainRates.get('single') ?? rate;
      ctx.record({
        id: `redis.${v.key}.durable.rate`,
        name: `${v.label}: durable backlog of ${backlog} drained to IRC`,
        value: Math.round(rate),
        unit: 'notices/s',
        ...(v.key === 'single' ? {} : { baseline: { name: 'single Redis, same run', value: Math.round(base) } }),
        note: `queued by the library at ${Math.round(queueRate)}/s${v.key === 'single' ? '' : `; ${round(rate / base)}× single`}`,
      });
    }

    // Durable latency, one notice at a time, the variants in alternating blocks (their bots stay up).
    const latencies = new Map<string, number[]>(variants.map((v) => [v.key, []]));
    let n = 0;
    while ((latencies.get('single') ?? []).length < sequential) {
      for (const v of variants) {
        const into = latencies.get(v.key) ?? [];
        for (let i = 0; i < BLOCK; i++) {
          const text = `lat-${n++}`;
          let end = 0;
          const arrived = user.waitFor(
            (l) => {
              if (!isPrivmsg(l, v.nick, v.channel) || l.params[1] !== text) return false;
              end = nowMs();
              return true;
            },
            10000,
            user.lines.length,
          );
          const start = nowMs();
          await queue(v.client as NoticeClient, v.channel, text);
          await arrived;
          into.push(end - start);
        }
      }
    }
    const singleLat = sortedCopy(latencies.get('single') ?? []);
    for (const v of variants) {
      const l = sortedCopy(latencies.get(v.key) ?? []);
      const isSingle = v.key === 'single';
      ctx.record({
        id: `redis.${v.key}.durable.latency.p50`,
        name: `${v.label}: durable XADD → line on IRC p50 (${l.length} sequential)`,
        value: round(percentile(l, 50), 3),
        unit: 'ms',
        ...(isSingle ? {} : { baseline: { name: 'single Redis, same run', value: round(percentile(singleLat, 50), 3) } }),
        note: `p99 ${round(percentile(l, 99), 3)} ms${isSingle ? '' : ` (single ${round(percentile(singleLat, 99), 3)} ms)`}`,
      });
    }
  } finally {
    user.destroy();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(children.map((c) => c.stop()));
    await cluster?.stop();
    await sentinel?.stop();
  }
}
