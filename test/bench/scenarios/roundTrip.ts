/**
 * Round trip: a user says `!woot` and waits for `Indeed!`, one command at a
 * time, against (a) `zen bot` + `zen service hello`, two processes talking
 * through Redis, (b) a bare irc-framework bot answering in-process, and
 * (c) the raw Redis hop alone (publish, a subscriber publishes it back).
 * The three alternate in blocks so they share the machine's noise.
 */
import { Redis } from 'ioredis';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { benchUser, isPrivmsg, joinedBy } from '../lib/ircUsers';
import { baselineScript, spawnNodeChild, spawnZen, type Child } from '../lib/procs';
import { nowMs, percentile, round, sortedCopy } from '../lib/stats';
import { delay } from '../../harness/waitFor';

const ZEN = { nick: 'zbot', channel: '#rt-zen' };
const BARE = { nick: 'barebot', channel: '#rt-bare' };
const BLOCK = 50;

export async function roundTrip(ctx: BenchContext): Promise<void> {
  const perPath = ctx.options.quick ? 400 : 2000;
  const children: Child[] = [];
  const user = await benchUser(ctx, 'rtuser', [ZEN.channel, BARE.channel]);
  const pub = new Redis(ctx.redis.url);
  const sub = new Redis(ctx.redis.url);
  try {
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, ZEN.nick, [ZEN.channel], NO_FLOOD_CONTROL), nodeFlags: ctx.nodeFlags('roundtrip-bot') });
    children.push(bot);
    const hello = spawnZen('zen service hello', ['service', 'hello'], { env: { REDIS_URL: ctx.redis.url }, nodeFlags: ctx.nodeFlags('roundtrip-hello') });
    children.push(hello);
    const bare = spawnNodeChild('bare bot', baselineScript('bareBot'), [ctx.irc.host, String(ctx.irc.port), BARE.nick, BARE.channel], { env: {} });
    children.push(bare);
    const echo = spawnNodeChild('redis echo', baselineScript('redisEcho'), [], { env: { REDIS_URL: ctx.redis.url } });
    children.push(echo);
    await Promise.all([joinedBy(user, ZEN.nick, ZEN.channel, 30000), bare.waitForLine(/"ready"/, 30000), echo.waitForLine(/"ready"/, 30000)]);

    const ask = async (path: { nick: string; channel: string }, timeoutMs: number): Promise<number> => {
      const since = user.lines.length;
      let end = 0;
      const start = nowMs();
      user.say(path.channel, '!woot');
      await user.waitFor(
        (l) => {
          if (!isPrivmsg(l, path.nick, path.channel) || l.params[1] !== 'Indeed!') return false;
          end = nowMs();
          return true;
        },
        timeoutMs,
        since,
      );
      return end - start;
    };
    // The service subscribes on its own time: ask until it answers.
    for (let attempt = 0; ; attempt++) {
      try {
        await ask(ZEN, 1000);
        break;
      } catch (err) {
        if (attempt >= 30) throw err;
      }
    }

    const pongs = new Map<string, () => void>();
    sub.on('message', (_channel: string, message: string) => pongs.get(message)?.());
    await sub.subscribe('bench:pong');
    let seq = 0;
    const redisHop = async (): Promise<number> => {
      const id = String(++seq);
      const start = nowMs();
      const answered = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no pong within 5 s')), 5000);
        pongs.set(id, () => {
          clearTimeout(timer);
          pongs.delete(id);
          resolve(nowMs() - start);
        });
      });
      await pub.publish('bench:ping', id);
      return answered;
    };

    // Warm up each path (JIT), then measure in alternating blocks.
    for (let i = 0; i < 50; i++) {
      await ask(ZEN, 5000);
      await ask(BARE, 5000);
      await redisHop();
    }
    const zen: number[] = [];
    const bareRt: number[] = [];
    const hop: number[] = [];
    while (zen.length < perPath) {
      for (let i = 0; i < BLOCK; i++) zen.push(await ask(ZEN, 5000));
      for (let i = 0; i < BLOCK; i++) bareRt.push(await ask(BARE, 5000));
      for (let i = 0; i < BLOCK; i++) hop.push(await redisHop());
      await delay(0);
    }
    const z = sortedCopy(zen);
    const b = sortedCopy(bareRt);
    const r = sortedCopy(hop);
    const ratio = percentile(z, 50) / percentile(b, 50);
    ctx.record({
      id: 'roundtrip.p50',
      name: `!woot round trip p50, zen bot + hello (${zen.length} sequential)`,
      value: round(percentile(z, 50), 3),
      unit: 'ms',
      baseline: { name: 'bare irc-framework bot, in-process', value: round(percentile(b, 50), 3) },
      target: '≤ 2.0× baseline',
      met: ratio <= 2.0,
      note: `${round(ratio)}×; raw Redis pub/sub hop p50 ${round(percentile(r, 50), 3)} ms`,
    });
    ctx.record({
      id: 'roundtrip.p99',
      name: '!woot round trip p99, zen bot + hello',
      value: round(percentile(z, 99), 3),
      unit: 'ms',
      baseline: { name: 'bare irc-framework bot, in-process', value: round(percentile(b, 99), 3) },
      target: '≤ 5 ms',
      met: percentile(z, 99) <= 5,
      note: `raw Redis pub/sub hop p99 ${round(percentile(r, 99), 3)} ms`,
    });
    ctx.record({ id: 'roundtrip.redis.p50', name: 'raw Redis pub/sub round trip p50 (publish → subscriber → publish back)', value: round(percentile(r, 50), 3), unit: 'ms' });
  } finally {
    user.destroy();
    pub.disconnect();
    sub.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}
