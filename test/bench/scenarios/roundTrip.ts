/**
 * Round trip: a user says `!woot` and waits for `Indeed!`, one command at a
 * time, against (a) `zen bot` + `zen service hello`, two processes talking
 * through Redis, (b) a second `zen bot` + a plain 10-line ioredis service
 * (baselines/plainService.ts: what the SDK costs on top), (c) a bare
 * irc-framework bot answering in-process, and (d) the raw Redis hop alone
 * (publish, a subscriber publishes it back). They alternate in blocks so
 * they share the machine's noise.
 */
import { Redis } from 'ioredis';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { benchUser, joinedBy } from '../lib/ircUsers';
import { baselineScript, spawnNodeChild, spawnZen, type Child } from '../lib/procs';
import { nowMs, percentile, round, sortedCopy } from '../lib/stats';
import { delay } from '../../harness/waitFor';
import { askWoot, untilAnswered } from '../lib/woot';

const ZEN = { nick: 'zbot', channel: '#rt-zen' };
const BARE = { nick: 'barebot', channel: '#rt-bare' };
/** A `zen bot` on its own namespace, answered by the plain ioredis service. */
const PLAIN = { nick: 'zbot-pln', channel: '#rt-plain', namespace: 'plain' };
const BLOCK = 50;

export async function roundTrip(ctx: BenchContext): Promise<void> {
  const perPath = ctx.options.quick ? 400 : 2000;
  const children: Child[] = [];
  const user = await benchUser(ctx, 'rtuser', [ZEN.channel, PLAIN.channel, BARE.channel]);
  const pub = new Redis(ctx.redis.url);
  const sub = new Redis(ctx.redis.url);
  try {
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, ZEN.nick, [ZEN.channel], NO_FLOOD_CONTROL), nodeFlags: ctx.nodeFlags('roundtrip-bot') });
    children.push(bot);
    const hello = spawnZen('zen service hello', ['service', 'hello'], { env: { REDIS_URL: ctx.redis.url }, nodeFlags: ctx.nodeFlags('roundtrip-hello') });
    children.push(hello);
    const plainBot = spawnZen('zen bot (plain service)', ['bot'], { env: botEnv(ctx, PLAIN.nick, [PLAIN.channel], { ...NO_FLOOD_CONTROL, ZEN_NAMESPACE: PLAIN.namespace }) });
    children.push(plainBot);
    const plain = spawnNodeChild('plain ioredis service', baselineScript('plainService'), [PLAIN.namespace], { env: { REDIS_URL: ctx.redis.url } });
    children.push(plain);
    const bare = spawnNodeChild('bare bot', baselineScript('bareBot'), [ctx.irc.host, String(ctx.irc.port), BARE.nick, BARE.channel], { env: {}, nodeFlags: ctx.nodeFlags('roundtrip-bare') });
    children.push(bare);
    const echo = spawnNodeChild('redis echo', baselineScript('redisEcho'), [], { env: { REDIS_URL: ctx.redis.url } });
    children.push(echo);
    await Promise.all([joinedBy(user, ZEN.nick, ZEN.channel, 30000), joinedBy(user, PLAIN.nick, PLAIN.channel, 30000), plain.waitForLine(/"ready"/, 30000), bare.waitForLine(/"ready"/, 30000), echo.waitForLine(/"ready"/, 30000)]);

    const ask = (path: { nick: string; channel: string }, timeoutMs: number): Promise<number> => askWoot(user, path, timeoutMs);
    // The services subscribe on their own time: ask until they answer.
    await untilAnswered(user, ZEN);
    await untilAnswered(user, PLAIN);

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
      await ask(PLAIN, 5000);
      await ask(BARE, 5000);
      await redisHop();
    }
    const zen: number[] = [];
    const plainRt: number[] = [];
    const bareRt: number[] = [];
    const hop: number[] = [];
    while (zen.length < perPath) {
      for (let i = 0; i < BLOCK; i++) zen.push(await ask(ZEN, 5000));
      for (let i = 0; i < BLOCK; i++) plainRt.push(await ask(PLAIN, 5000));
      for (let i = 0; i < BLOCK; i++) bareRt.push(await ask(BARE, 5000));
      for (let i = 0; i < BLOCK; i++) hop.push(await redisHop());
      await delay(0);
    }
    const z = sortedCopy(zen);
    const b = sortedCopy(bareRt);
    const p = sortedCopy(plainRt);
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
    ctx.record({
      id: 'roundtrip.plain.p50',
      name: `!woot round trip p50, zen bot + a plain 10-line ioredis service (${plainRt.length} sequential)`,
      value: round(percentile(p, 50), 3),
      unit: 'ms',
      baseline: { name: 'bare irc-framework bot, in-process', value: round(percentile(b, 50), 3) },
      note: `${round(percentile(p, 50) / percentile(b, 50))}×; p99 ${round(percentile(p, 99), 3)} ms; the SDK service costs ${round(percentile(z, 50) - percentile(p, 50), 3)} ms more at p50`,
    });
    ctx.record({ id: 'roundtrip.redis.p50', name: 'raw Redis pub/sub round trip p50 (publish → subscriber → publish back)', value: round(percentile(r, 50), 3), unit: 'ms' });
  } finally {
    user.destroy();
    pub.disconnect();
    sub.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}
