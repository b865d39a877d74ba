/**
 * `npm run chaos`: bounded fault injection against real processes.
 *
 * A real redis-server (AOF, appendfsync always), a real ngircd, `zen bot` and
 * a small SDK service (echoService.ts) as separate processes. While a stream
 * of numbered durable notices (the `zen notify` library path: MULTI + XADD)
 * and numbered `!n <k>` commands flows, faults are injected one at a time at
 * seeded random moments:
 *
 *   bot-kill       kill -9 of `zen bot`, then a new one
 *   redis-kill     kill -9 of redis-server, restarted on its AOF
 *   ngircd-kill    kill -9 of ngircd, restarted (the IRC user rejoins first)
 *   ngircd-freeze  SIGSTOP of ngircd for longer than the bot's ping timeout, then SIGCONT
 *
 * A real IRC user in the channel counts what arrives. The report gives, per
 * fault kind: notices sent (acknowledged by Redis), received, lost and
 * duplicated; commands sent, answered, and lost. Durable notices must never
 * be lost; duplicates are allowed up to ZEN_NOTICE_WINDOW per fault (what a
 * crash may resend). Commands travel over pub/sub, which is at-most-once:
 * one sent during a fault window may go unanswered (reported), one sent while
 * all was well must be answered.
 *
 * Exit code 1 when a notice was lost, a quiet-time command went unanswered,
 * duplicates exceeded the window, or a fault did not recover.
 *
 * Options: --quick (~2 min, each fault kind once), --seed=N,
 * --faults=bot-kill,redis-kill,ngircd-kill,ngircd-freeze (default: all),
 * --rounds=N (faults of each kind; default 1 quick, 5 otherwise).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoticeClient, prepareNotice } from '../../clients/notices';
import { startNgircd } from '../harness/ngircd';
import { startRedis } from '../harness/redisServer';
import { delay } from '../harness/waitFor';
import { repoRoot, spawnNodeChild, spawnZen, type Child } from '../bench/lib/procs';
import { between, seededRandom, shuffled } from './random';
import { QUIET, tally, type FaultWindow, type KindTally, type Sent } from './tally';
import { Watcher } from './watcher';

const KINDS = ['bot-kill', 'redis-kill', 'ngircd-kill', 'ngircd-freeze'] as const;
type Kind = (typeof KINDS)[number];

const CHANNEL = '#chaos';
const BOT_NICK = 'chaosbot';
const NOTICE_WINDOW = 32;
const PING_TIMEOUT_S = 5;
/** A message sent this long before a fault may still be in flight when it hits. */
const GRACE_MS = 3000;
const RECOVERY_TIMEOUT_MS = 90000;

interface Options {
  quick: boolean;
  seed: number;
  kinds: Kind[];
  rounds: number;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const seed = Number(value('seed') ?? Date.now() % 100000);
  const kinds = (value('faults')?.split(',').filter(Boolean) ?? [...KINDS]) as Kind[];
  for (const k of kinds) if (!(KINDS as readonly string[]).includes(k)) throw new Error(`--faults: unknown fault ${JSON.stringify(k)}; known: ${KINDS.join(', ')}`);
  const rounds = Number(value('rounds') ?? (quick ? 1 : 5));
  if (!Number.isInteger(seed) || !Number.isInteger(rounds) || rounds < 1) throw new Error('--seed and --rounds take whole numbers (rounds ≥ 1)');
  return { quick, seed, kinds, rounds };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const random = seededRandom(options.seed);
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const log = (text: string): void => void process.stdout.write(`[${(now() / 1000).toFixed(1).padStart(6)} s] ${text}\n`);
  log(`seed ${options.seed}; faults ${options.kinds.join(', ')} × ${options.rounds}`);

  const redis = await startRedis({ persistence: 'aof' });
  const irc = await startNgircd({ noPenalty: true });
  const env = {
    REDIS_URL: redis.url,
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    IRC_NICK: BOT_NICK,
    IRC_CHANNELS: CHANNEL,
    IRC_RECONNECT_MIN_MS: '2000',
    IRC_RECONNECT_MAX_MS: '4000',
    IRC_PING_TIMEOUT: String(PING_TIMEOUT_S),
    IRC_SEND_RATE: '50',
    IRC_SEND_BURST: '50',
    // A command every 250 ms from one user: above the default command rate limit, which is not what chaos measures.
    ZEN_COMMAND_RATE: '0',
    ZEN_CHANNEL_COMMAND_RATE: '0',
    ZEN_NOTICE_WINDOW: String(NOTICE_WINDOW),
  };
  const children: Child[] = [];
  const startBot = (): Child => {
    const bot = spawnZen('zen bot', ['bot'], { env });
    children.push(bot);
    return bot;
  };

  // What the IRC user sees.
  const noticesSeen: number[] = [];
  const answersSeen: number[] = [];
  const unexpected: string[] = [];
  const watcher = new Watcher({
    host: irc.host,
    port: () => irc.port,
    nick: 'counter',
    channel: CHANNEL,
    botNick: BOT_NICK,
    onBotLine: (text) => {
      let m = /^notice (\d+)$/.exec(text);
      if (m) return void noticesSeen.push(Number(m[1]));
      m = /^cmd (\d+)$/.exec(text);
      if (m) {
        answersSeen.push(Number(m[1]));
        return;
      }
      unexpected.push(text);
    },
  });

  let bot = startBot();
  const service = spawnNodeChild('chaos echo service', join(__dirname, 'echoService.js'), [], { env: { REDIS_URL: redis.url } });
  children.push(service);
  const client = new NoticeClient({ redis: redis.url, onError: () => undefined });
  const failures: string[] = [];
  let stopTraffic = false;
  const noticesSent: Sent[] = [];
  const commandsSent: Sent[] = [];
  let noticeSeq = 0;
  let commandSeq = 0;

  try {
    await watcher.waitForJoin(BOT_NICK, 30000);
    await service.waitForLine(/"ready"/, 30000);
    await client.connect();
    // The service subscribes on its own time: command until one is answered.
    for (let k = 0; !answersSeen.length; k++) {
      if (k > 300) throw new Error('the echo service never answered');
      watcher.say(`!n 0`);
      await delay(100);
    }
    log('bot, service and IRC user are up; traffic starts');

    const notices = (async () => {
      while (!stopTraffic) {
        const n = ++noticeSeq;
        const prepared = prepareNotice({ to: [CHANNEL], message: `notice ${n}` });
        if (!prepared.ok) throw new Error(prepared.reason);
        for (;;) {
          try {
            await client.send(prepared);
            noticesSent.push({ n, sentAt: now() });
            break;
          } catch {
            await delay(200); // Redis down: the same notice again, as `zen notify` would be re-run
          }
        }
        await delay(40);
      }
    })();
    const commands = (async () => {
      while (!stopTraffic) {
        const k = commandSeq + 1;
        if (watcher.say(`!n ${k}`)) {
          commandSeq = k;
          commandsSent.push({ n: k, sentAt: now() });
        }
        await delay(250);
      }
    })();

    // Recovery: a command sent after the restore is answered, and a notice acknowledged after it arrived.
    const recovered = async (restoredAt: number): Promise<boolean> => {
      const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
      for (;;) {
        const commandOk = commandsSent.some((c) => c.sentAt > restoredAt && answersSeen.includes(c.n));
        const noticeOk = noticesSent.some((s) => s.sentAt > restoredAt && noticesSeen.includes(s.n));
        if (commandOk && noticeOk) return true;
        if (Date.now() > deadline) return false;
        await delay(100);
      }
    };

    const inject = async (kind: Kind): Promise<void> => {
      switch (kind) {
        case 'bot-kill':
          await bot.kill();
          await delay(between(random, 200, 1500));
          bot = startBot();
          return;
        case 'redis-kill':
          await redis.kill();
          await delay(between(random, 1000, 3000));
          await redis.restart();
          return;
        case 'ngircd-kill':
          await irc.kill();
          await delay(between(random, 500, 2000));
          await irc.restart();
          return;
        case 'ngircd-freeze':
          process.kill(irc.pid, 'SIGSTOP');
          await delay(PING_TIMEOUT_S * 1000 + between(random, 2000, 5000));
          process.kill(irc.pid, 'SIGCONT');
          return;
      }
    };

    const windows: FaultWindow[] = [];
    const plan: Kind[] = [];
    for (let r = 0; r < options.rounds; r++) plan.push(...shuffled(random, options.kinds));
    for (const kind of plan) {
      await delay(between(random, options.quick ? 3000 : 5000, options.quick ? 8000 : 20000));
      const window: FaultWindow = { kind, start: now(), recovered: Infinity };
      windows.push(window);
      log(`${kind}…`);
      await inject(kind);
      const restoredAt = now();
      if (await recovered(restoredAt)) {
        window.recovered = now();
        log(`${kind}: recovered ${((window.recovered - restoredAt) / 1000).toFixed(1)} s after the restore`);
      } else {
        window.recovered = now();
        failures.push(`${kind} at ${(window.start / 1000).toFixed(1)} s: no recovery within ${RECOVERY_TIMEOUT_MS / 1000} s`);
        log(`${kind}: DID NOT RECOVER`);
      }
    }
    await delay(3000);
    stopTraffic = true;
    await Promise.all([notices, commands]);
    log(`traffic stopped: ${noticesSent.length} notices, ${commandsSent.length} commands; waiting for the last notices`);
    const drainDeadline = Date.now() + 60000;
    while (Date.now() < drainDeadline && noticesSent.some((s) => !noticesSeen.includes(s.n))) await delay(200);
    await delay(2000); // late duplicates

    const noticeRows = tally(windows, noticesSent, noticesSeen, GRACE_MS);
    const commandRows = tally(windows, commandsSent, answersSeen, GRACE_MS);
    const report = { when: new Date().toISOString(), seed: options.seed, options, windows, notices: Object.fromEntries(noticeRows), commands: Object.fromEntries(commandRows), unexpected, failures };
    for (const [kind, row] of noticeRows) {
      if (row.lost > 0) failures.push(`${kind}: ${row.lost} durable notice(s) lost: ${lostNumbers(noticesSent, noticesSeen, windows, kind).join(', ')}`);
      if (row.duplicated > NOTICE_WINDOW * Math.max(1, row.faults)) failures.push(`${kind}: ${row.duplicated} duplicates > ${NOTICE_WINDOW} × ${Math.max(1, row.faults)}`);
    }
    const quietCommands = commandRows.get(QUIET);
    if (quietCommands && quietCommands.lost > 0) failures.push(`quiet time: ${quietCommands.lost} command(s) unanswered while no fault was active`);
    if (unexpected.length > 0) failures.push(`${unexpected.length} unexpected line(s) from the bot, e.g. ${JSON.stringify(unexpected[0])}`);

    process.stdout.write(`\n${formatTable(noticeRows, commandRows)}\n`);
    for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
    mkdirSync(join(repoRoot, 'bench-results'), { recursive: true });
    const file = join(repoRoot, 'bench-results', `chaos-${report.when.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ ...report, failures }, null, 2)}\n`);
    process.stdout.write(`\nJSON: ${file}\nreplay with: npm run chaos -- --seed=${options.seed}${options.quick ? ' --quick' : ''} --faults=${options.kinds.join(',')} --rounds=${options.rounds}\n`);
    process.stdout.write(failures.length === 0 ? 'chaos: PASS\n' : `chaos: FAIL (${failures.length})\n`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    stopTraffic = true;
    await watcher.stop();
    await client.close().catch(() => undefined);
    for (const c of children) await c.stop(5000);
    try {
      process.kill(irc.pid, 'SIGCONT');
    } catch {
      // not running
    }
    await irc.stop();
    await redis.stop();
  }
}

function lostNumbers(sent: readonly Sent[], seen: readonly number[], windows: readonly FaultWindow[], kind: string): number[] {
  const got = new Set(seen);
  const rows = sent.filter((s) => !got.has(s.n) && tally(windows, [s], [], GRACE_MS).get(kind)?.lost === 1);
  return rows.map((s) => s.n).slice(0, 20);
}

function formatTable(notices: Map<string, KindTally>, commands: Map<string, KindTally>): string {
  const header = ['fault', 'faults', 'notices sent', 'received', 'lost', 'duplicated', 'commands sent', 'answered', 'unanswered'];
  const rows = [...notices.keys()].map((kind) => {
    const n = notices.get(kind) as KindTally;
    const c = commands.get(kind) ?? { faults: 0, sent: 0, received: 0, lost: 0, duplicated: 0 };
    return [kind, n.faults, n.sent, n.received, n.lost, n.duplicated, c.sent, c.received, c.lost].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [fmt(header), ...rows.map(fmt), '(commands are pub/sub, at-most-once: unanswered ones count as lost only in quiet time)'].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
