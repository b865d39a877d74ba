/**
 * What every scenario gets: the servers of this run, the options, and where
 * to record results. Also the environment a `zen bot` of the bench runs with.
 */
import type { IrcServer } from '../../harness/types';
import type { RedisServer } from '../../harness/redisServer';

export interface BenchOptions {
  /** The ~1 minute run CI uses. */
  quick: boolean;
  /** Write node --cpu-prof profiles of the zen processes here. */
  profileDir?: string;
  /** Where --heap-profile writes node --heap-prof files (unset: no allocation profiling). */
  heapProfileDir?: string;
  /** Run only these scenarios (all when empty). */
  only: string[];
  /** `--soak`: the long soak (600 s, or BENCH_SOAK_SECONDS) instead of the short one; alone unless --only names more. */
  soak: boolean;
}

export interface Result {
  /** Stable key for JSON consumers, e.g. "roundtrip.p50". */
  id: string;
  /** What was measured, for the table. */
  name: string;
  value: number;
  unit: string;
  /** The same measurement on the baseline, in the same run. */
  baseline?: { name: string; value: number };
  /** The target, in words ("≤ 2.0× baseline"), and whether this run met it. */
  target?: string;
  met?: boolean;
  note?: string;
}

/** Something that did not complete: CI fails on it. */
export interface Failure {
  scenario: string;
  error: string;
}

export interface BenchContext {
  options: BenchOptions;
  redis: RedisServer;
  irc: IrcServer;
  record(result: Result): void;
  /** node flags for zen processes (profiling). `tag` names the profile file. */
  nodeFlags(tag: string): string[];
}

/** The bot's environment: defaults except what the scenario says. LOG_LEVEL stays at its default (info), as deployed. */
export function botEnv(ctx: BenchContext, nick: string, channels: string[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    REDIS_URL: ctx.redis.url,
    IRC_HOST: ctx.irc.host,
    IRC_PORT: String(ctx.irc.port),
    IRC_NICK: nick,
    IRC_CHANNELS: channels.join(','),
    // The bench's one user sends thousands of commands: the per-sender and
    // per-channel command limits (on by default) would measure the limiter.
    ZEN_COMMAND_RATE: '0',
    ZEN_CHANNEL_COMMAND_RATE: '0',
    ...extra,
  };
}

/** Flood control off, as the measurements: no rate, the largest burst, a queue big enough for any burst here. */
export const NO_FLOOD_CONTROL = { IRC_SEND_RATE: '0', IRC_SEND_BURST: '1000', ZEN_QUEUE_MAX_LINES: '1000000' };
