import { Logger, redactUrl } from './log';
import { describeTarget, targetVariables, type RedisConnection, type RedisTarget } from './redisConnection';
import { Failure, RepeatedFailures } from './repeatedFailures';

/**
 * How every program (the bot, the SDK and its services, the webhook) tells
 * that Redis is not there: one "waiting for Redis at <where>" line, the cause
 * and the fix once, a summary now and then while it stays down, and one line
 * when it is back. ioredis emits an error per attempt; none reaches the log
 * on its own. `<where>` is the redacted REDIS_URL, or the sentinels / cluster
 * nodes (describeTarget) when those are set.
 */

/** An ioredis error event as a failure naming where Redis is (redacted) and the fix. */
export function redisFailure(err: Error & { code?: string }, target: string | RedisTarget): Failure {
  const single = typeof target === 'string' || target.kind === 'single';
  const where = typeof target === 'string' ? redactUrl(target) : describeTarget(target);
  // Where the host and port come from: REDIS_URL, or the sentinels / cluster nodes.
  const hostVariable = typeof target === 'string' ? 'REDIS_URL' : targetVariables(target);
  const code = err.code ?? '';
  const tls = redisTlsProblem(err, target);
  if (tls) return tls;
  if (code === 'ECONNREFUSED') {
    const hint = single ? 'start redis-server, or set REDIS_URL to where it runs' : `start the servers, or set ${hostVariable} to where they run`;
    return { cause: 'refused', message: `connection refused by ${where}`, hint };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { cause: 'dns', message: `the host of ${where} does not resolve (${code})`, hint: `check the host name in ${hostVariable}` };
  }
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(err.message)) {
    const sentinel = typeof target !== 'string' && target.kind === 'sentinel' ? ", and REDIS_SENTINEL_PASSWORD for the sentinels" : '';
    return { cause: 'auth', message: `${where} refused the credentials (${err.message.split('\n')[0]})`, hint: `check the user and password in REDIS_URL (redis://user:password@host:port)${sentinel}` };
  }
  if (code === 'ETIMEDOUT') return { cause: 'timeout', message: `connecting to ${where} timed out`, hint: `check the host and port in ${hostVariable} and any firewall` };
  const more = single ? 'redis-cli -u "$REDIS_URL" ping tells more' : 'redis-cli -h <host> -p <port> ping on one of them tells more';
  return { cause: code || 'error', message: `${where}: ${err.message.split('\n')[0]}`, hint: `check ${hostVariable}; ${more}` };
}

/** Node's codes for a server certificate the client does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'INVALID_CA',
]);

/** Whether the target's connection to the Redis data nodes is TLS (`rediss://`). */
function usesTls(target: string | RedisTarget): boolean {
  const url = typeof target === 'string' ? target : target.url;
  return /^rediss:/i.test(url);
}

/**
 * TLS failures, each with the REDIS_TLS_* setting that fixes it: a server
 * certificate not signed by REDIS_TLS_CA (a wrong or missing CA), a host name
 * the certificate does not hold, a client certificate the server refuses or
 * wants, and TLS against a plain-text port (or plain text against a TLS one).
 */
export function redisTlsProblem(err: Error & { code?: string }, target: string | RedisTarget): Failure | undefined {
  const where = typeof target === 'string' ? redactUrl(target) : describeTarget(target);
  const hostVariable = typeof target === 'string' ? 'REDIS_URL' : targetVariables(target);
  const code = err.code ?? '';
  const tls = usesTls(target) || (typeof target !== 'string' && target.kind === 'sentinel' && target.sentinelTls);
  const ca = typeof target === 'string' ? undefined : target.tls?.ca;
  const first = err.message.split('\n')[0];
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    const now = ca === undefined ? "it is unset, so only the system's CAs are trusted" : `now ${JSON.stringify(ca)}, which did not sign it`;
    return {
      cause: 'certificate',
      message: `the TLS certificate of ${where} is not trusted (${first})`,
      hint: `set REDIS_TLS_CA to the PEM file of the CA that signed the Redis server's certificate (its tls-ca-cert-file; ${now})`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { cause: 'certificate_name', message: `the TLS certificate of ${where} is for another host (${first})`, hint: `use a host name in ${hostVariable} that the server's certificate holds (its subjectAltName)` };
  }
  if (/^ERR_SSL_(TLSV1|TLSV13|SSLV3)_ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)$/.test(code)) {
    return {
      cause: 'client_certificate',
      message: `${where} refused the client certificate (${code.replace(/^ERR_SSL_\w+?_ALERT_/, '').toLowerCase().replace(/_/g, ' ')})`,
      hint: "set REDIS_TLS_CERT and REDIS_TLS_KEY to one signed by a CA of the server's tls-ca-cert-file",
    };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(err.message)) {
    return { cause: 'not_tls', message: `${where} does not answer TLS (${first})`, hint: 'the port speaks plain text: use redis:// in REDIS_URL, or the server\'s tls-port' };
  }
  if (code === 'ECONNRESET' && tls) {
    return {
      cause: 'reset',
      message: `${where} closed the TLS connection (${first})`,
      hint: "a Redis with tls-auth-clients (its default) closes connections without a client certificate it accepts: set REDIS_TLS_CERT and REDIS_TLS_KEY to one signed by a CA of the server's tls-ca-cert-file; else check that the port is its tls-port",
    };
  }
  if (code === 'ECONNRESET' && !tls) {
    return { cause: 'reset', message: `${where} closed the connection (${first})`, hint: `if that port is a TLS port (tls-port), use rediss:// in REDIS_URL (and REDIS_TLS_CA); else check ${hostVariable}` };
  }
  if (code === 'ETIMEDOUT' && tls) {
    return { cause: 'timeout', message: `connecting to ${where} timed out`, hint: `check the host and port in ${hostVariable} and any firewall; a plain-text port never answers TLS: use redis:// for it` };
  }
  return undefined;
}

export class RedisConnectionLog {
  private readonly failures: RepeatedFailures;
  private saidWaiting = false;
  /** True while connectWaiting waits: a failure then also says that the program waits. */
  pendingStart = false;

  constructor(
    private readonly log: Logger,
    private readonly target: string | RedisTarget,
  ) {
    this.failures = new RepeatedFailures(log, { what: 'Redis' });
  }

  /** Reports this connection's errors and recovery through the shared summary. */
  watch(conn: RedisConnection): void {
    conn.on('error', (err: Error) => {
      if (this.failures.attempts === 0 && this.pendingStart) this.waiting();
      this.failures.failed(redisFailure(err, this.target));
    });
    conn.on('ready', () => this.failures.succeeded());
  }

  /** Says once that the program waits for Redis (instead of failing). */
  waiting(): void {
    if (this.saidWaiting) return;
    this.saidWaiting = true;
    const where = typeof this.target === 'string' ? redactUrl(this.target) : describeTarget(this.target);
    this.log.info({ url: where }, `waiting for Redis at ${where}`);
  }
}

/**
 * Connects `conns` (created with lazyConnect) and resolves once all are
 * ready, however long Redis takes; ioredis retries meanwhile. Rejects if a
 * connection is closed (`end`) before it got there, e.g. by a shutdown.
 */
export async function connectWaiting(conns: RedisConnection[], log: RedisConnectionLog): Promise<void> {
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

async function waitForAll(pending: RedisConnection[]): Promise<void> {
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
