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

/** Query parameters whose values are secrets (ioredis honours `?password=`). */
const SECRET_PARAM = /pass|secret|token|auth|key|cred/i;

/**
 * A URL fit for logs: any user name and password replaced by `***`, and the
 * value of every query parameter that names a secret (`?password=…`,
 * `&sentinelPassword=…`) too. A URL that does not parse, or that holds
 * an `@` past its host (a password with an unescaped `/`, `?` or `#`), keeps only its scheme: when
 * in doubt, more is hidden, never less.
 */
export function redactUrl(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!scheme) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${scheme[1]}://***`;
  }
  // An @ past the authority: a password with an unescaped / ? or # in it, whose rest would show as path or query.
  if (parsed.pathname.includes('@') || parsed.search.includes('@') || parsed.hash.includes('@')) return `${scheme[1]}://***`;
  const hadUserinfo = parsed.username !== '' || parsed.password !== '';
  let out = `${scheme[1]}://${hadUserinfo ? '***@' : ''}${parsed.host}${parsed.pathname}`;
  if (parsed.search) {
    const params: string[] = [];
    for (const [name, value] of parsed.searchParams) {
      params.push(`${encodeURIComponent(name)}=${SECRET_PARAM.test(name) ? '***' : encodeURIComponent(value)}`);
    }
    out += `?${params.join('&')}`;
  }
  return out;
}

/**
 * A setting's value that should be a URL, fit for an error message about it:
 * redactUrl when it has a scheme; without one (`user:pw@host`,
 * `host/?password=…`) anything before an `@` and any query are hidden too.
 */
export function redactUrlValue(raw: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return redactUrl(raw);
  return raw.replace(/^.*@/, '***@').replace(/\?.*$/, '?***');
}

/** Every secret-looking query parameter value and userinfo removed from any Redis URL inside a text (an error message). */
export function redactUrlsIn(text: string): string {
  return text.replace(/\brediss?:\/\/[^\s'"<>]+/g, (match) => {
    const trailing = /[,.;:)\]]*$/.exec(match)![0];
    return redactUrl(match.slice(0, match.length - trailing.length)) + trailing;
  });
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
