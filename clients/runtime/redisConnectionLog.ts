import type { Redis } from 'ioredis';
import { Logger, redactUrl } from './log';
import { Failure, RepeatedFailures } from './repeatedFailures';

/**
 * How every program (the bot, the SDK and its services, the webhook) tells
 * that Redis is not there: one "waiting for Redis at <url>" line, the cause
 * and the fix once, a summary now and then while it stays down, and one line
 * when it is back. ioredis emits an error per attempt; none reaches the log
 * on its own.
 */

const START_HINT = 'start redis-server, or set REDIS_URL to where it runs';

/** An ioredis error event as a failure naming the (redacted) URL and the fix. */
export function redisFailure(err: Error & { code?: string }, url: string): Failure {
  const where = redactUrl(url);
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return { cause: 'refused', message: `connection refused by ${where}`, hint: START_HINT };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { cause: 'dns', message: `the host of ${where} does not resolve (${code})`, hint: 'check the host name in REDIS_URL' };
  }
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(err.message)) {
    return { cause: 'auth', message: `${where} refused the credentials (${err.message.split('\n')[0]})`, hint: 'check the user and password in REDIS_URL (redis://user:password@host:port)' };
  }
  if (code === 'ETIMEDOUT') return { cause: 'timeout', message: `connecting to ${where} timed out`, hint: 'check the host and port in REDIS_URL and any firewall' };
  return { cause: code || 'error', message: `${where}: ${err.message.split('\n')[0]}`, hint: 'check REDIS_URL; redis-cli -u "$REDIS_URL" ping tells more' };
}

export class RedisConnectionLog {
  private readonly failures: RepeatedFailures;
  private saidWaiting = false;
  /** True while connectWaiting waits: a failure then also says that the program waits. */
  pendingStart = false;

  constructor(
    private readonly log: Logger,
    private readonly url: string,
  ) {
    this.failures = new RepeatedFailures(log, { what: 'Redis' });
  }

  /** Reports this connection's errors and recovery through the shared summary. */
  watch(conn: Redis): void {
    conn.on('error', (err: Error) => {
      if (this.failures.attempts === 0 && this.pendingStart) this.waiting();
      this.failures.failed(redisFailure(err, this.url));
    });
    conn.on('ready', () => this.failures.succeeded());
  }

  /** Says once that the program waits for Redis (instead of failing). */
  waiting(): void {
    if (this.saidWaiting) return;
    this.saidWaiting = true;
    this.log.info({ url: redactUrl(this.url) }, `waiting for Redis at ${redactUrl(this.url)}`);
  }
}

/**
 * Connects `conns` (created with lazyConnect) and resolves once all are
 * ready, however long Redis takes; ioredis retries meanwhile. Rejects if a
 * connection is closed (`end`) before it got there, e.g. by a shutdown.
 */
export async function connectWaiting(conns: Redis[], log: RedisConnectionLog): Promise<void> {
  for (const conn of conns) conn.connect().catch(() => undefined);
  const pending = conns.filter((c) => c.status !== 'ready');
  if (pending.length === 0) return;
  // Said at the first failure, or if connecting takes a while; not when Redis answers at once.
  log.pendingStart = true;
  const slow = setTimeout(() => log.waiting(), SLOW_CONNECT_MS);
  try {
    await waitForAll(pending);
  } finally {
    clearTimeout(slow);
    log.pendingStart = false;
  }
}

/** How long a first connection may take before the program says it is waiting. */
const SLOW_CONNECT_MS = 1000;

async function waitForAll(pending: Redis[]): Promise<void> {
  await Promise.all(
    pending.map(
      (conn) =>
        new Promise<void>((resolve, reject) => {
          if (conn.status === 'ready') return resolve();
          const onReady = () => {
            conn.off('end', onEnd);
            resolve();
          };
          const onEnd = () => {
            conn.off('ready', onReady);
            reject(new Error('the Redis connection was closed while waiting for Redis'));
          };
          conn.once('ready', onReady);
          conn.once('end', onEnd);
        }),
    ),
  );
}
