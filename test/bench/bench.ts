/**
 * `npm run bench` (`-- --quick` for the ~1 minute CI run): zenrelay measured
 * the way users run it, against bare baselines in the same run.
 *
 * Starts its own redis-server and ngircd (flood penalty lifted), runs
 * `zen bot` and `zen service hello` as separate processes (dist/, built by
 * the npm script), and the baselines (test/bench/baselines) as processes of
 * their own. One file per scenario in scenarios/. Prints a table, writes
 * bench-results/bench-<time>.json (+ latest.json and a chart); a full run
 * also writes the chart to docs/benchmarks.svg.
 *
 * Some scenarios start more servers: `redis` a Sentinel set and a six-node
 * Cluster, `flood` two InspIRCd that kill flooders; `zenircbot` runs
 * ZenIRCBot 2.2.1 from BENCH_ZENIRCBOT_DIR (full runs only).
 *
 * Exit code: 1 when a scenario did not complete, on a gross regression
 * (out < 1,000 lines/s) or when InspIRCd disconnected a rate-limited bot. Missed targets are reported, never fatal: timing
 * on a shared machine is noise, the table says how far off it is.
 *
 * Options: --quick; --only=roundtrip,out,...; --profile (node --cpu-prof
 * of the zen processes into bench-results/profiles, summarised at the end);
 * --heap-profile (what each zen process allocates, by function: lib/allocationProfiler);
 * --soak (the long soak alone: 10 minutes, BENCH_SOAK_SECONDS to change).
 * BENCH_REQUIRE=<file.js> preloads a module into every profiled process
 * (node --require), e.g. a tracer that timestamps socket reads and writes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startNgircd } from '../harness/ngircd';
import { startRedis } from '../harness/redisServer';
import type { BenchContext, BenchOptions, Failure, Result } from './lib/context';
import { repoRoot, ZEN_JS } from './lib/procs';
import { summarise } from './lib/profileSummary';
import { summariseHeap } from './lib/heapProfileSummary';
import { allocationProfileFlags } from './lib/allocationProfiler';
import { svgChart, table } from './lib/report';
import { durable } from './scenarios/durable';
import { flood } from './scenarios/flood';
import { ingest } from './scenarios/ingest';
import { inStream } from './scenarios/inStream';
import { memory } from './scenarios/memory';
import { out } from './scenarios/out';
import { redisTopologies } from './scenarios/redisTopologies';
import { roundTrip } from './scenarios/roundTrip';
import { soak } from './scenarios/soak';
import { zenircbot } from './scenarios/zenircbot';

const SCENARIOS: ReadonlyArray<[string, (ctx: BenchContext) => Promise<void>]> = [
  ['roundtrip', roundTrip],
  ['zenircbot', zenircbot],
  ['ingest', ingest],
  ['instream', inStream],
  ['out', out],
  ['memory', memory],
  ['durable', durable],
  ['redis', redisTopologies],
  ['flood', flood],
  ['soak', soak],
];

/** The gross-regression floor CI fails on (far below the 10,000/s target). */
const OUT_FLOOR = 1000;

function parseOptions(argv: string[]): BenchOptions {
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
  for (const name of only) {
    if (!SCENARIOS.some(([n]) => n === name)) throw new Error(`--only: no scenario ${JSON.stringify(name)}; scenarios: ${SCENARIOS.map(([n]) => n).join(', ')}`);
  }
  const soak = argv.includes('--soak');
  if (soak && only.length === 0) only.push('soak');
  const options: BenchOptions = { quick: argv.includes('--quick'), only, soak };
  if (argv.includes('--profile')) options.profileDir = join(repoRoot, 'bench-results', 'profiles');
  if (argv.includes('--heap-profile')) options.heapProfileDir = join(repoRoot, 'bench-results', 'heap-profiles');
  return options;
}

function version(command: string, args: string[], pattern: RegExp): string {
  try {
    const text = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return pattern.exec(text)?.[1] ?? text.trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
}

function machine(): Record<string, string | number> {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    redis: version('redis-server', ['--version'], /v=(\S+)/),
    ngircd: version('ngircd', ['--version'], /ngIRCd (\S+?)-/),
    inspircd: version('inspircd', ['--version'], /InspIRCd-(\S+)/),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(ZEN_JS)) throw new Error(`${ZEN_JS} is missing: run \`npm run bench\` (it builds first)`);
  const results: Result[] = [];
  const failures: Failure[] = [];
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  if (options.heapProfileDir) mkdirSync(options.heapProfileDir, { recursive: true });
  const redis = await startRedis();
  const irc = await startNgircd({ noPenalty: true });
  const ctx: BenchContext = {
    options,
    redis,
    irc,
    record: (r) => {
      results.push(r);
      process.stdout.write(`  ${r.name}: ${r.value} ${r.unit}${r.baseline ? ` (baseline ${r.baseline.value})` : ''}${r.note ? `; ${r.note}` : ''}\n`);
    },
    nodeFlags: (tag) => [
      ...(process.env.BENCH_REQUIRE ? ['--require', process.env.BENCH_REQUIRE] : []),
      ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir, '--cpu-prof-name', `${tag}.cpuprofile`] : []),
      ...(options.heapProfileDir ? allocationProfileFlags(options.heapProfileDir, tag) : []),
    ],
  };
  const started = Date.now();
  try {
    for (const [name, run] of SCENARIOS) {
      if (options.only.length > 0 && !options.only.includes(name)) continue;
      process.stdout.write(`== ${name}\n`);
      const t = Date.now();
      try {
        await run(ctx);
      } catch (err) {
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        failures.push({ scenario: name, error });
        process.stdout.write(`  FAILED: ${error}\n`);
      }
      process.stdout.write(`  (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await irc.stop();
    await redis.stop();
  }
  const outRate = results.find((r) => r.id === 'out.rate');
  if (outRate && outRate.value < OUT_FLOOR) failures.push({ scenario: 'out', error: `gross regression: out ${outRate.value} lines/s < ${OUT_FLOOR}` });

  const when = new Date().toISOString();
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const report = { when, quick: options.quick, seconds: Math.round((Date.now() - started) / 1000), machine: machine(), results, failures };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = join(dir, `bench-${when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  const m = report.machine;
  const chart = svgChart(results, `zenrelay bench ${when.slice(0, 10)}${options.quick ? ' (quick)' : ''}: ${m.cores} × ${m.cpu}, node ${m.node}`);
  writeFileSync(join(dir, 'bench.svg'), chart);
  if (!options.quick && options.only.length === 0) writeFileSync(join(repoRoot, 'docs', 'benchmarks.svg'), chart);

  process.stdout.write(`\nzenrelay bench (${options.quick ? 'quick, ' : ''}${report.seconds} s; node ${m.node}, ${m.cores} × ${m.cpu}, redis ${m.redis}, ngircd ${m.ngircd}, inspircd ${m.inspircd})\n`);
  process.stdout.write(table(results, failures));
  process.stdout.write(`\nJSON: ${file}\n`);
  if (options.profileDir) {
    for (const f of readdirSync(options.profileDir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
      process.stdout.write(`\n== profile ${f}\n${summarise(JSON.parse(readFileSync(join(options.profileDir, f), 'utf8')))}\n`);
    }
  }
  if (options.heapProfileDir) {
    for (const f of readdirSync(options.heapProfileDir).filter((f) => f.endsWith('.heapprofile')).sort()) {
      process.stdout.write(`\n== heap profile ${f}\n${summariseHeap(JSON.parse(readFileSync(join(options.heapProfileDir, f), 'utf8')))}\n`);
    }
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
