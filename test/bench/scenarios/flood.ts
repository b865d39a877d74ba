/**
 * Flood control on, against a server that kills flooders: InspIRCd with
 * `fakelag="no"` disconnects a client ("Excess Flood") whose command penalty
 * passes `threshold` (test/harness/inspircd.ts). A backlog on `out` must go
 * out at the configured rate without the bot ever being killed. Two bots
 * side by side, each on an InspIRCd of its own whose limit is exactly the
 * bot's configured rate, so there is no headroom beyond the threshold:
 * - the defaults (IRC_SEND_BURST=4, IRC_SEND_RATE=1) against InspIRCd's own
 *   defaults (threshold 10, commandrate 1000 = 1 command/s);
 * - IRC_SEND_RATE=5 against threshold 10, commandrate 5000.
 * Reports the steady rate after the burst (target ≥ 95% of the configured
 * one) and the disconnects seen by a user in the channel (target 0). A kill
 * fails the bench (a correctness regression, not a timing).
 */
import { Redis } from 'ioredis';
import { connectUser, type IrcUser } from '../../harness/ircUser';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { delay } from '../../harness/waitFor';
import { botEnv, type BenchContext } from '../lib/context';
import { isPrivmsg, joinedBy } from '../lib/ircUsers';
import { spawnZen, type Child } from '../lib/procs';
import { nowMs, round } from '../lib/stats';
import { outEnvelope } from './out';

/** InspIRCd's default `<connect threshold>`: a client 10 commands ahead of its drain is killed. */
const THRESHOLD = 10;

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

interface Run {
  config: Config;
  server: InspircdServer;
  reader: IrcUser;
  bot?: Child;
  arrivals: number[];
  /** QUITs of the bot seen in the channel, with their reasons. */
  quits: string[];
}

export async function flood(ctx: BenchContext): Promise<void> {
  const seconds = ctx.options.quick ? 10 : 30;
  const runs: Run[] = [];
  const pub = new Redis(ctx.redis.url);
  try {
    const servers = await Promise.allSettled(CONFIGS.map((c) => startInspircd({ floodThreshold: THRESHOLD, commandRate: c.rate * 1000, fakelag: false })));
    const up = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = servers.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(up.map((s) => s.stop()));
      throw failed.reason;
    }
    for (const [i, config] of CONFIGS.entries()) {
      const server = up[i];
      let reader: IrcUser;
      try {
        reader = await connectUser({ host: server.host, port: server.port, nick: `fcr${config.rate}` });
      } catch (err) {
        for (const s of up.slice(i)) await s.stop();
        throw err;
      }
      runs.push({ config, server, reader, arrivals: [], quits: [] });
      await reader.join(config.channel);
    }
    for (const run of runs) {
      const c = run.config;
      const env = botEnv(ctx, c.nick, [c.channel], { ...c.env, ZEN_NAMESPACE: c.nick, IRC_HOST: run.server.host, IRC_PORT: String(run.server.port) });
      run.bot = spawnZen(`zen bot ${c.label} on InspIRCd`, ['bot'], { env });
    }
    await Promise.all(runs.map((r) => joinedBy(r.reader, r.config.nick, r.config.channel, 30000)));
    // Let the registration lines' charge on the bucket (and the server's penalty) pass, then fill the queue.
    await delay(ctx.options.quick ? 3000 : 5000);
    const watching = runs.map((run) =>
      run.reader
        .waitFor(
          (l) => {
            if (isPrivmsg(l, run.config.nick, run.config.channel)) run.arrivals.push(nowMs());
            else if (l.command === 'QUIT' && (l.nick ?? '').toLowerCase() === run.config.nick.toLowerCase()) run.quits.push(l.params[0] ?? '');
            return false;
          },
          (seconds + 2) * 1000,
          run.reader.lines.length,
        )
        .catch(() => undefined), // ends by timeout, by design
    );
    for (const run of runs) {
      const c = run.config;
      const pipeline = pub.pipeline();
      const backlog = c.burst + Math.ceil(c.rate * seconds * 1.5) + 10;
      for (let i = 0; i < backlog; i++) pipeline.publish(`${c.nick}:out`, outEnvelope(c.channel, `fc ${i}`));
      await pipeline.exec();
    }
    await Promise.all(watching);
    const killed: string[] = [];
    for (const run of runs) {
      const c = run.config;
      const at = run.arrivals;
      const steady = at.slice(c.burst);
      if (steady.length < 3) throw new Error(`${c.label}: only ${at.length} lines arrived in ${seconds} s`);
      const achieved = (steady.length - 1) / ((steady[steady.length - 1] - steady[0]) / 1000);
      ctx.record({
        id: `flood.${c.rate}`,
        name: `flood control ${c.label}, InspIRCd threshold ${THRESHOLD} at ${c.rate} command/s: achieved rate over ${seconds} s`,
        value: round(achieved, 3),
        unit: 'lines/s',
        target: `≥ 95% of ${c.rate}/s`,
        met: achieved >= 0.95 * c.rate,
        note: `${round((100 * achieved) / c.rate, 1)}% of configured, ${at.length} lines incl. burst`,
      });
      ctx.record({
        id: `flood.${c.rate}.disconnects`,
        name: `flood control ${c.label}: disconnects by InspIRCd (fakelag off) over ${seconds} s`,
        value: run.quits.length,
        unit: 'kills',
        target: '0',
        met: run.quits.length === 0,
        ...(run.quits.length > 0 ? { note: run.quits.join('; ') } : {}),
      });
      if (run.quits.length > 0) killed.push(`${c.label}: ${run.quits.join('; ')}`);
    }
    if (killed.length > 0) throw new Error(`InspIRCd disconnected the bot (a flood-control regression): ${killed.join(' | ')}`);
  } finally {
    pub.disconnect();
    for (const run of runs) run.reader.destroy();
    // The rest of each backlog is still queued in the bot: no need to wait for a graceful drain.
    await Promise.all(runs.map((run) => run.bot?.stop(1000)));
    await Promise.all(runs.map((run) => run.server.stop()));
  }
}
