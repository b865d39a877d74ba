/**
 * Idle memory: `zen bot` connected and joined with nothing happening, against
 * the least a relay needs (irc-framework + two ioredis connections).
 */
import { botEnv, type BenchContext } from '../lib/context';
import { benchUser, joinedBy } from '../lib/ircUsers';
import { baselineScript, spawnNodeChild, spawnZen, type Child } from '../lib/procs';
import { median, round } from '../lib/stats';
import { delay } from '../../harness/waitFor';

export async function memory(ctx: BenchContext): Promise<void> {
  const settleMs = ctx.options.quick ? 3000 : 10000;
  const children: Child[] = [];
  const watcher = await benchUser(ctx, 'memwatch', ['#idle']);
  try {
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, 'zbot-idle', ['#idle'], { ZEN_NAMESPACE: 'idle' }) });
    children.push(bot);
    const bare = spawnNodeChild('bare idle', baselineScript('bareIdle'), [ctx.irc.host, String(ctx.irc.port), 'bareidle', '#idle'], { env: { REDIS_URL: ctx.redis.url } });
    children.push(bare);
    await Promise.all([joinedBy(watcher, 'zbot-idle', '#idle', 30000), bare.waitForLine(/"ready"/, 30000)]);
    await delay(settleMs);
    const botRss: number[] = [];
    const bareRss: number[] = [];
    for (let i = 0; i < 5; i++) {
      botRss.push(bot.rssMiB());
      bareRss.push(bare.rssMiB());
      await delay(200);
    }
    const z = median(botRss);
    const b = median(bareRss);
    ctx.record({
      id: 'rss.idle',
      name: 'RSS idle, zen bot (connected, joined)',
      value: round(z, 1),
      unit: 'MiB',
      baseline: { name: 'irc-framework + two ioredis, idle', value: round(b, 1) },
      target: '≤ baseline + 10 MB',
      met: z <= b + 10,
      note: `+${round(z - b, 1)} MiB`,
    });
  } finally {
    watcher.destroy();
    await Promise.all(children.map((c) => c.stop()));
  }
}
