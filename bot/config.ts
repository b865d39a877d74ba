import { isChannelName, isNick, isValidNamespace } from '../clients/protocol';
import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_NOTICE_FATE_TTL_SECONDS } from '../clients/protocol';
import { parseHostPort, type HostPort, type RedisTarget } from '../clients/redis';
import { ConfigError } from './errors/ConfigError';
import {
  bool,
  decimal,
  Env,
  integer,
  listOf,
  oneOf,
  optionalText,
  read,
  redisUrl,
  Setting,
  setting,
  text,
} from './settings';

/**
 * Every setting of the bot, its environment variable and its default, in one
 * place. The README's configuration table lists exactly these (a test checks).
 */

const IRC_COMMAND = /^[A-Za-z]+$/;

export const busSettings = {
  redisUrl: setting('REDIS_URL', 'redis://127.0.0.1:6379', 'Redis to use; `rediss://` for TLS. With Sentinel or Cluster only its user, password, db and `rediss://` apply', redisUrl),
  redisSentinels: setting('REDIS_SENTINELS', '', 'Sentinels to ask for the primary, comma-separated `host:port`; wins over REDIS_URL\'s host (needs REDIS_SENTINEL_MASTER)', hostPortList),
  redisSentinelMaster: setting('REDIS_SENTINEL_MASTER', '', 'Name of the master the sentinels monitor (`sentinel monitor <name> …`)', optionalText),
  redisSentinelPassword: setting('REDIS_SENTINEL_PASSWORD', '', "The sentinels' own password (`requirepass` in sentinel.conf); the primary's comes from REDIS_URL", optionalText),
  redisSentinelTls: setting('REDIS_SENTINEL_TLS', 'false', 'Talk to the sentinels over TLS (the primary: `rediss://` in REDIS_URL)', bool),
  redisClusterNodes: setting('REDIS_CLUSTER_NODES', '', 'Redis Cluster seed nodes, comma-separated `host:port`; wins over REDIS_URL\'s host; keys get hash tags (docs/protocol.md)', hostPortList),
  namespace: setting('ZEN_NAMESPACE', '', 'Prefix for every channel and key (`net1` → `net1:in`, `net1:out`); empty = ZenIRCBot names', (raw, variable) => {
    if (!isValidNamespace(raw)) throw new ConfigError(variable, 'must be letters, digits, `_`, `.` or `-` (at most 64)');
    return raw;
  }),
};

function hostPortList(raw: string, variable: string): HostPort[] {
  return listOf((item) => (parseHostPort(item) ? undefined : `${JSON.stringify(item)} is not host:port (e.g. 10.0.0.5:26379)`))(raw, variable).map(
    (item) => parseHostPort(item) as HostPort,
  );
}

/**
 * Where Redis is, from the bus settings: Sentinel or Cluster when set (they
 * win over REDIS_URL's host and port), else REDIS_URL. Throws ConfigError
 * naming the variable of a bad combination.
 */
export function redisTarget(config: Parsed<typeof busSettings>): RedisTarget {
  const sentinels = config.redisSentinels;
  const cluster = config.redisClusterNodes;
  const url = config.redisUrl;
  if (sentinels.length > 0 && cluster.length > 0) {
    throw new ConfigError('REDIS_CLUSTER_NODES', 'cannot be set together with REDIS_SENTINELS; a Redis Cluster is not managed by Sentinel: set one of them');
  }
  if (sentinels.length > 0 && config.redisSentinelMaster === undefined) {
    throw new ConfigError('REDIS_SENTINEL_MASTER', 'is required with REDIS_SENTINELS: set it to the master name of `sentinel monitor <name> …`');
  }
  if (sentinels.length === 0) {
    for (const [value, variable] of [
      [config.redisSentinelMaster, 'REDIS_SENTINEL_MASTER'],
      [config.redisSentinelPassword, 'REDIS_SENTINEL_PASSWORD'],
      [config.redisSentinelTls || undefined, 'REDIS_SENTINEL_TLS'],
    ] as const) {
      if (value !== undefined) throw new ConfigError(variable, 'only applies with REDIS_SENTINELS; set REDIS_SENTINELS (host:port,…) or unset it');
    }
  }
  if (cluster.length > 0) {
    const db = new URL(url).pathname.replace(/^\//, '');
    if (db !== '' && db !== '0') throw new ConfigError('REDIS_URL', `selects db ${db}, but a Redis Cluster only has db 0: drop the /${db} with REDIS_CLUSTER_NODES`);
    return { kind: 'cluster', url, nodes: cluster };
  }
  if (sentinels.length > 0) {
    return {
      kind: 'sentinel',
      url,
      sentinels,
      master: config.redisSentinelMaster as string,
      ...(config.redisSentinelPassword !== undefined ? { sentinelPassword: config.redisSentinelPassword } : {}),
      sentinelTls: config.redisSentinelTls,
    };
  }
  return { kind: 'single', url };
}

/** How long notice fates are kept; read by the bot and by publishers (zen notify, the webhook). */
export const noticeFateTtl = setting('ZEN_NOTICE_FATE_TTL_SECONDS', String(DEFAULT_NOTICE_FATE_TTL_SECONDS), 'How long the fate of a durable notice (sent, rejected, expired) is kept in Redis', integer(60, 31_536_000));

/**
 * WAIT after each durable-notice write (the publishers' XADD, the bot's
 * acknowledgement) until this many replicas have it; read by the bot and by
 * publishers (zen notify, the webhook). See docs/operations.md.
 */
export const noticeWaitReplicas = setting('ZEN_NOTICE_WAIT_REPLICAS', '0', 'Replicas that must confirm each durable-notice write (Redis `WAIT`) before it counts as done; `0` = do not wait (docs/operations.md)', integer(0, 100));
export const noticeWaitTimeout = setting('ZEN_NOTICE_WAIT_TIMEOUT_MS', '1000', 'Longest `WAIT` for those replicas; a shortfall is reported, the notice stays queued', integer(1, 60_000));

export const botSettings = {
  ...busSettings,
  ircHost: setting('IRC_HOST', undefined, 'IRC server host name (required)', text),
  ircPort: setting('IRC_PORT', '6667', 'IRC server port', integer(1, 65535)),
  ircTls: setting('IRC_TLS', 'false', 'Connect with TLS', bool),
  ircTlsVerify: setting('IRC_TLS_VERIFY', 'true', "Check the server's TLS certificate", bool),
  ircNick: setting('IRC_NICK', 'zenrelay', "The bot's nick; when taken, the bot uses `<nick>_` and takes it back once free", (raw, variable) => {
    if (!isNick(raw) || raw.length > 30) throw new ConfigError(variable, `${JSON.stringify(raw)} is not a valid IRC nick (letters, digits, []\\\`_^{|}-, at most 30)`);
    return raw;
  }),
  ircUsername: setting('IRC_USERNAME', 'zenrelay', 'User name (ident) sent at registration', (raw, variable) => {
    if (!/^[A-Za-z0-9_.-]{1,10}$/.test(raw)) throw new ConfigError(variable, 'must be 1-10 letters, digits, `_`, `.` or `-`');
    return raw;
  }),
  ircRealname: setting('IRC_REALNAME', 'zenrelay IRC relay', 'Real name (gecos)', text),
  ircChannels: setting('IRC_CHANNELS', '', 'Channels to join, comma-separated (`#a,#b`)', listOf((c) => (isChannelName(c) ? undefined : `${JSON.stringify(c)} is not a channel name (#name)`))),
  ircPassword: setting('IRC_PASSWORD', '', 'Server password (PASS)', optionalText),
  saslAccount: setting('IRC_SASL_ACCOUNT', '', 'SASL PLAIN account (with IRC_SASL_PASSWORD)', optionalText),
  saslPassword: setting('IRC_SASL_PASSWORD', '', 'SASL PLAIN password', optionalText),
  sendBurst: setting('IRC_SEND_BURST', '4', 'Lines the bot may send at once before the rate applies', integer(1, 1000)),
  sendRate: setting('IRC_SEND_RATE', '1', 'Outbound lines per second after the burst; `0` = unlimited (private servers only)', decimal(0, 10000)),
  reconnectMinMs: setting('IRC_RECONNECT_MIN_MS', '1000', 'First reconnect delay; doubles on each failure (with jitter)', integer(10, 3_600_000)),
  reconnectMaxMs: setting('IRC_RECONNECT_MAX_MS', '60000', 'Longest reconnect delay', integer(10, 3_600_000)),
  pingTimeoutSeconds: setting('IRC_PING_TIMEOUT', '120', 'Seconds of silence from the server before the bot reconnects', integer(5, 3600)),
  rawAllow: setting('ZEN_RAW_ALLOW', 'JOIN,PART,NAMES,TOPIC', 'IRC commands a `raw` envelope may send, comma-separated', (raw, variable) =>
    listOf((c) => (IRC_COMMAND.test(c) ? undefined : `${JSON.stringify(c)} is not an IRC command name`))(raw, variable).map((c) => c.toUpperCase()),
  ),
  directed: setting('ZEN_DIRECTED', 'true', 'Publish `directed_privmsg`; set false if you still run ZenIRCBot\'s semantics service', bool),
  commandPrefix: setting('ZEN_COMMAND_PREFIX', '!', 'What starts a command (`!woot`)', (raw, variable) => {
    if (raw.length > 4 || /\s/.test(raw)) throw new ConfigError(variable, 'must be 1-4 characters without spaces');
    return raw;
  }),
  maxPayloadBytes: setting('ZEN_MAX_PAYLOAD_BYTES', String(DEFAULT_MAX_PAYLOAD_BYTES), 'Largest `out` payload accepted, in bytes', integer(256, 1_048_576)),
  queueMaxLines: setting('ZEN_QUEUE_MAX_LINES', '10000', 'Outbound lines held (e.g. while IRC is down) before new messages are rejected', integer(10, 10_000_000)),
  inBufferMax: setting('ZEN_IN_BUFFER', '10000', '`in` events held while Redis is down (oldest dropped first, counted)', integer(10, 10_000_000)),
  noticeMaxAgeSeconds: setting('ZEN_NOTICE_MAX_AGE_SECONDS', '3600', 'Durable notices queued longer ago than this are not sent but marked expired; `0` = never expire', integer(0, 31_536_000)),
  noticeWindow: setting('ZEN_NOTICE_WINDOW', '32', 'Most durable notices in flight (read, not yet acknowledged); also the most that can be sent twice after a crash', integer(1, 10_000)),
  noticeFateTtlSeconds: noticeFateTtl,
  noticeWaitReplicas,
  noticeWaitTimeoutMs: noticeWaitTimeout,
  shutdownTimeoutMs: setting('ZEN_SHUTDOWN_TIMEOUT_MS', '10000', 'How long SIGTERM waits for the send queue to drain', integer(0, 600_000)),
  httpPort: setting('HTTP_PORT', '', 'Port of the HTTP endpoint (`/healthz`, `/metrics`); empty = no HTTP endpoint', (raw, variable) =>
    raw === '' ? undefined : integer(1, 65535)(raw, variable),
  ),
  httpHost: setting('HTTP_HOST', '127.0.0.1', 'Address the HTTP endpoint listens on (`0.0.0.0` in a container)', text),
  logLevel: setting('LOG_LEVEL', 'info', 'trace, debug, info, warn, error, fatal or silent', oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const)),
};

type Parsed<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** The bus settings, plus where Redis is (`redis`), checked for bad combinations. */
export type BusConfig = Parsed<typeof busSettings> & { redis: RedisTarget };
export type BotConfig = Parsed<typeof botSettings> & { redis: RedisTarget };

function readAll<S extends Record<string, Setting<unknown>>>(settings: S, env: Env): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) out[key] = read(env, s);
  return out as Parsed<S>;
}

/** The Redis side only: what every client (SDK, CLI, services) needs. */
export function loadBusConfig(env: Env = process.env): BusConfig {
  const config = readAll(busSettings, env);
  return { ...config, redis: redisTarget(config) };
}

/** Everything the bridge needs; throws ConfigError naming the first bad variable. */
export function loadBotConfig(env: Env = process.env): BotConfig {
  const settings = readAll(botSettings, env);
  const config = { ...settings, redis: redisTarget(settings) };
  if ((config.saslAccount === undefined) !== (config.saslPassword === undefined)) {
    const missing = config.saslAccount === undefined ? 'IRC_SASL_ACCOUNT' : 'IRC_SASL_PASSWORD';
    throw new ConfigError(missing, 'IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD go together; set both or neither');
  }
  if (config.reconnectMaxMs < config.reconnectMinMs) {
    throw new ConfigError('IRC_RECONNECT_MAX_MS', `must be at least IRC_RECONNECT_MIN_MS (${config.reconnectMinMs})`);
  }
  return config;
}

/** Rows for the README's configuration table. */
export function describeSettings(): Array<{ variable: string; default: string | undefined; description: string }> {
  return Object.values(botSettings).map(({ variable, default: def, description }) => ({ variable, default: def, description }));
}
