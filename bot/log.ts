import pino, { Logger } from 'pino';

/**
 * Structured logs: JSON lines on stderr, or pretty-printed when stderr is a
 * terminal. Secrets never reach a log call: configuration is logged only
 * through `redactConfig`.
 */
export type { Logger };

export function createLogger(level: string, name = 'zen'): Logger {
  if (process.stderr.isTTY && level !== 'silent') {
    return pino({
      name,
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino({ name, level }, pino.destination({ dest: 2, sync: true }));
}

const SECRET = /PASSWORD|TOKEN|SECRET/i;

/**
 * A URL with any user name and password replaced by `***`. Everything up to
 * the last `@` goes, so a password that itself contains `@` (valid in a
 * Redis URL) cannot leak; when in doubt, more is hidden, never less.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('//');
  const at = url.lastIndexOf('@');
  if (start < 0 || at < start) return url;
  return `${url.slice(0, start + 2)}***@${url.slice(at + 1)}`;
}

/** A copy of a config object fit for logging: passwords and tokens masked, URL credentials removed. */
export function redactConfig<T extends object>(config: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (SECRET.test(key)) out[key] = value === undefined ? undefined : '***';
    else if (typeof value === 'string' && /^rediss?:\/\//.test(value)) out[key] = redactUrl(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) out[key] = redactConfig(value); // e.g. `redis`, the Redis target
    else out[key] = value;
  }
  return out;
}

/**
 * Lets at most `perInterval` messages through per interval and counts the
 * rest, so a flood of bad input cannot flood the log too.
 */
export class RateLimitedLog {
  private windowStart = 0;
  private passed = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly perInterval = 10,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.intervalMs) {
      if (this.suppressed > 0) this.logger.warn({ suppressed: this.suppressed }, 'similar warnings suppressed');
      this.windowStart = t;
      this.passed = 0;
      this.suppressed = 0;
    }
    if (this.passed < this.perInterval) {
      this.passed++;
      this.logger.warn(fields, message);
    } else {
      this.suppressed++;
    }
  }
}
