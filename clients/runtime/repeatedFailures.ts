import type { Logger } from './log';

/**
 * Logs a connection that keeps failing the way an operator wants to read it:
 * the first failure of a kind in full, once, at warn (cause, what failed, the
 * fix); identical failures after it only as a summary now and then ("still
 * failing: connection refused, 12 attempts, next in 30 s"); a new cause in
 * full again; and one line when it works again. Never one line per attempt.
 */

export interface Failure {
  /** Stable name of the cause (`refused`, `dns`…); failures with the same cause and message are one kind. */
  cause: string;
  message: string;
  hint: string;
}

export interface RepeatedFailuresOptions {
  /** What keeps failing, for the messages: `IRC`, `Redis`. */
  what: string;
  /** Shortest time between two summaries of the same failure. Default 60 s. */
  summaryIntervalMs?: number;
  now?: () => number;
}

export class RepeatedFailures {
  private current: { key: string; failure: Failure; attempts: number; since: number; lastLogAt: number } | undefined;
  private totalAttempts = 0;
  private readonly summaryIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: Logger,
    private readonly options: RepeatedFailuresOptions,
  ) {
    this.summaryIntervalMs = options.summaryIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Failed attempts since the last success. */
  get attempts(): number {
    return this.totalAttempts;
  }

  /** One failed attempt; `nextDelayMs` is when the next one starts (if known). */
  failed(failure: Failure, nextDelayMs?: number): void {
    const t = this.now();
    this.totalAttempts++;
    const key = `${failure.cause}\u0000${failure.message}`;
    const next = nextDelayMs === undefined ? {} : { nextInMs: nextDelayMs };
    if (this.current?.key !== key) {
      this.current = { key, failure, attempts: 1, since: t, lastLogAt: t };
      this.log.warn({ cause: failure.cause, hint: failure.hint, ...next }, `${this.options.what}: ${failure.message}; ${failure.hint}`);
      return;
    }
    const current = this.current;
    current.attempts++;
    if (t - current.lastLogAt < this.summaryIntervalMs) return;
    current.lastLogAt = t;
    const nextText = nextDelayMs === undefined ? '' : `, next in ${formatDuration(nextDelayMs)}`;
    this.log.warn(
      { cause: failure.cause, attempts: current.attempts, failingForMs: t - current.since, ...next },
      `${this.options.what} still failing: ${failure.message}, ${current.attempts} attempts${nextText}`,
    );
  }

  /** Starts over without a line (e.g. after a connection that had stayed up a while). */
  reset(): void {
    this.current = undefined;
    this.totalAttempts = 0;
  }

  /** The connection works again: one line if it had failed, and the count starts over. */
  succeeded(): void {
    if (this.totalAttempts > 0 && this.current) {
      this.log.info(
        { attempts: this.totalAttempts, lastCause: this.current.failure.cause },
        `${this.options.what} connected again after ${this.totalAttempts} failed ${this.totalAttempts === 1 ? 'attempt' : 'attempts'}`,
      );
    }
    this.current = undefined;
    this.totalAttempts = 0;
  }
}

/** `850 ms`, `30 s`, `4 min`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
