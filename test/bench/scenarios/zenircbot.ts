/**
 * The ZenIRCBot 2.2.1 comparison row (issue 9): ZenIRCBot's own `bot.js` +
 * the plain 10-line ioredis service (baselines/plainService.ts), against
 * `zen bot` + the same service and the bare in-process irc-framework bot, in
 * alternating blocks of the `!woot` round trip.
 *
 * ZenIRCBot is not on the npm registry (`npm view zenircbot` is a 404; the
 * `zenircbot-api` package there is only the services' library, without
 * bot.js), so the bench cannot fetch it: point BENCH_ZENIRCBOT_DIR at a
 * checkout of github.com/zenirc/zenircbot at tag 2.2.1. The bench copies its
 * bot.js and services/lib/api.js into a temp folder and installs the npm
 * packages they require there (`irc@0.5.2`, what its `"irc": "*"` gives;
 * `redis@3`, the last node_redis with the callback API bot.js uses, where
 * `"*"` would now give one it cannot run on; `nomnom`), so nothing of it is
 * ever committed. Skipped, with the reason printed, without that variable or
 * in --quick (the install needs the registry).
 *
 * ZenIRCBot's channels are the bare `in` / `out`, and pub/sub ignores the db
 * number, so it gets a Redis of its own.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../../harness/redisServer';
import { makeTempDir } from '../../harness/tempDir';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { benchUser, joinedBy } from '../lib/ircUsers';
import { baselineScript, spawnNodeChild, spawnZen, type Child } from '../lib/procs';
import { percentile, round, sortedCopy } from '../lib/stats';
import { askWoot, untilAnswered, type WootPath } from '../lib/woot';

const ZIB = { nick: 'zircbot', channel: '#rt-zib' };
const ZEN = { nick: 'zbot-pl2', channel: '#rt-zpl', namespace: 'plain2' };
const BARE = { nick: 'barebot2', channel: '#rt-bare2' };
const BLOCK = 50;
const PACKAGES = ['irc@0.5.2', 'redis@3', 'nomnom@1'];

/** Why the row is skipped in this run, or undefined when it runs. */
function skipReason(ctx: BenchContext): string | undefined {
  const dir = process.env.BENCH_ZENIRCBOT_DIR;
  if (!dir) return 'ZenIRCBot 2.2.1 is not on the npm registry (npm view zenircbot: 404); set BENCH_ZENIRCBOT_DIR to a checkout of github.com/zenirc/zenircbot at tag 2.2.1 to measure it';
  if (!existsSync(join(dir, 'bot.js')) || !existsSync(join(dir, 'services', 'lib', 'api.js'))) return `BENCH_ZENIRCBOT_DIR=${dir} has no bot.js and services/lib/api.js: it must be a checkout of zenirc/zenircbot (tag 2.2.1)`;
  if (ctx.options.quick) return 'skipped in --quick: installing its npm dependencies needs the registry';
  return undefined;
}

/** A temp folder with ZenIRCBot's bot.js, its api.js and their npm packages, and a bot.json for this run. */
function install(source: string, ctx: BenchContext, redis: RedisServer): string {
  const dir = makeTempDir('zenircbot');
  mkdirSync(join(dir, 'services', 'lib'), { recursive: true });
  copyFileSync(join(source, 'bot.js'), join(dir, 'bot.js'));
  copyFileSync(join(source, 'services', 'lib', 'api.js'), join(dir, 'services', 'lib', 'api.js'));
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', ...PACKAGES], { cwd: dir, encoding: 'utf8', timeout: 180000 });
  if (npm.status !== 0) throw new Error(`npm install ${PACKAGES.join(' ')} for ZenIRCBot failed (${npm.status ?? npm.signal}): ${npm.stderr}`);
  const config = {
    servers: [
      {
        name: 'bench',
        hostname: ctx.irc.host,
        nick: ZIB.nick,
        userName: 'zircbot',
        realName: 'ZenIRCBot',
        port: ctx.irc.port,
        autoRejoin: true,
        autoConnect: true,
        channels: [ZIB.channel],
        admin_nicks: 'nobody',
        admin_spew_channels: [ZIB.channel],
        secure: false,
        selfSigned: false,
      },
    ],
    // Flood control off, as for zen bot (NO_FLOOD_CONTROL).
    options: { debug: false, floodProtection: false, stripColors: false },
    redis: { host: '127.0.0.1', port: redis.port, db: 0 },
  };
  writeFileSync(join(dir, 'bot.json'), `${JSON.stringify(config, null, 2)}\n`);
  return dir;
}

export async function zenircbot(ctx: BenchContext): Promise<void> {
  const reason = skipReason(ctx);
  if (reason) {
    process.stdout.write(`  ${reason}\n`);
    return;
  }
  const perPath = 2000;
  const children: Child[] = [];
  const redis = await startRedis({ name: 'redis-zenircbot' });
  const user = await benchUser(ctx, 'zibuser', [ZIB.channel, ZEN.channel, BARE.channel]);
  try {
    const dir = install(process.env.BENCH_ZENIRCBOT_DIR as string, ctx, redis);
    const zib = spawnNodeChild('ZenIRCBot bot.js', join(dir, 'bot.js'), ['-c', join(dir, 'bot.json')], { env: {} });
    children.push(zib);
    children.push(spawnNodeChild('plain service (ZenIRCBot)', baselineScript('plainService'), [''], { env: { REDIS_URL: redis.url } }));
    children.push(spawnZen('zen bot (plain service)', ['bot'], { env: botEnv(ctx, ZEN.nick, [ZEN.channel], { ...NO_FLOOD_CONTROL, ZEN_NAMESPACE: ZEN.namespace }) }));
    children.push(spawnNodeChild('plain service (zen)', baselineScript('plainService'), [ZEN.namespace], { env: { REDIS_URL: ctx.redis.url } }));
    const bare = spawnNodeChild('bare bot', baselineScript('bareBot'), [ctx.irc.host, String(ctx.irc.port), BARE.nick, BARE.channel], { env: {} });
    children.push(bare);
    await Promise.all([joinedBy(user, ZIB.nick, ZIB.channel, 30000), joinedBy(user, ZEN.nick, ZEN.channel, 30000), bare.waitForLine(/"ready"/, 30000)]);
    const paths: Array<[string, WootPath]> = [
      ['zenircbot', ZIB],
      ['zen', ZEN],
      ['bare', BARE],
    ];
    for (const [, p] of paths) await untilAnswered(user, p);
    for (let i = 0; i < 50; i++) for (const [, p] of paths) await askWoot(user, p, 5000);
    const times = new Map<string, number[]>(paths.map(([k]) => [k, []]));
    while ((times.get('zenircbot') ?? []).length < perPath) {
      for (const [k, p] of paths) {
        const into = times.get(k) ?? [];
        for (let i = 0; i < BLOCK; i++) into.push(await askWoot(user, p, 5000));
      }
    }
    const z = sortedCopy(times.get('zenircbot') ?? []);
    const zen = sortedCopy(times.get('zen') ?? []);
    const b = sortedCopy(times.get('bare') ?? []);
    ctx.record({
      id: 'roundtrip.zenircbot.p50',
      name: `!woot round trip p50, ZenIRCBot 2.2.1 bot.js + the plain ioredis service (${z.length} sequential)`,
      value: round(percentile(z, 50), 3),
      unit: 'ms',
      baseline: { name: 'bare irc-framework bot, in-process', value: round(percentile(b, 50), 3) },
      note: `${round(percentile(z, 50) / percentile(b, 50))}×; p99 ${round(percentile(z, 99), 3)} ms; zen bot + the same service in the same blocks: p50 ${round(percentile(zen, 50), 3)} ms, p99 ${round(percentile(zen, 99), 3)} ms`,
    });
  } finally {
    user.destroy();
    await Promise.all(children.map((c) => c.stop()));
    await redis.stop();
  }
}
