import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_NOTICE_FATE_TTL_SECONDS, isValidNamespace } from '@zenrelay/protocol';
import { ConfigError } from './ConfigError';
import { parseHostPort, type HostPort, type RedisTarget, type RedisTlsFiles } from './redisConnection';
import { bool, Env, integer, listOf, optionalText, pemFile, read, redisUrl, Setting, setting } from './settings';

/**
 * The settings the bot shares with everything that talks to it over Redis
 * (the SDK, the CLI, the services), read the same way everywhere so that a
 * client and the bot agree. The bot's own table (bot/config.ts) includes them.
 */

export const busSettings = {
  redisUrl: setting('REDIS_URL', 'redis://127.0.0.1:6379', 'Redis to use; `rediss://` for TLS. With Sentinel or Cluster only its user, password, db and `rediss://` apply', redisUrl),
  redisSentinels: setting('REDIS_SENTINELS', '', 'Sentinels to ask for the primary, comma-separated `host:port`; wins over REDIS_URL\'s host (needs REDIS_SENTINEL_MASTER)', hostPortList),
  redisSentinelMaster: setting('REDIS_SENTINEL_MASTER', '', 'Name of the master the sentinels monitor (`sentinel monitor <name> …`)', optionalText),
  redisSentinelPassword: setting('REDIS_SENTINEL_PASSWORD', '', "The sentinels' own password (`requirepass` in sentinel.conf); the primary's comes from REDIS_URL", optionalText),
  redisSentinelTls: setting('REDIS_SENTINEL_TLS', 'false', 'Talk to the sentinels over TLS (the primary: `rediss://` in REDIS_URL)', bool),
  redisTlsCa: setting('REDIS_TLS_CA', '', "CA certificate(s), a PEM file, that signed the Redis server's certificate (`rediss://`, REDIS_SENTINEL_TLS); empty = the system's CAs", pemFile("the CA certificate that signed the Redis server's certificate")),
  redisTlsCert: setting('REDIS_TLS_CERT', '', 'Client certificate, a PEM file, for a Redis that asks for one (`tls-auth-clients`); with REDIS_TLS_KEY', pemFile('the client certificate')),
  redisTlsKey: setting('REDIS_TLS_KEY', '', 'Private key of REDIS_TLS_CERT, a PEM file (unencrypted)', pemFile("the client certificate's private key")),
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
  const tls = tlsFiles(config);
  const extra = tls ? { tls } : {};
  if (cluster.length > 0) {
    const db = new URL(url).pathname.replace(/^\//, '');
    if (db !== '' && db !== '0') throw new ConfigError('REDIS_URL', `selects db ${db}, but a Redis Cluster only has db 0: drop the /${db} with REDIS_CLUSTER_NODES`);
    return { kind: 'cluster', url, nodes: cluster, ...extra };
  }
  if (sentinels.length > 0) {
    return {
      kind: 'sentinel',
      url,
      sentinels,
      master: config.redisSentinelMaster as string,
      ...(config.redisSentinelPassword !== undefined ? { sentinelPassword: config.redisSentinelPassword } : {}),
      sentinelTls: config.redisSentinelTls,
      ...extra,
    };
  }
  return { kind: 'single', url, ...extra };
}

/**
 * REDIS_TLS_CA / _CERT / _KEY, checked: the certificate and its key go
 * together, and they only mean something on a TLS connection (`rediss://`,
 * or REDIS_SENTINEL_TLS with sentinels), so setting them for plain text is
 * a mistake said at start, not a silent no-op.
 */
function tlsFiles(config: Parsed<typeof busSettings>): RedisTlsFiles | undefined {
  const { redisTlsCa: ca, redisTlsCert: cert, redisTlsKey: key } = config;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(cert === undefined ? 'REDIS_TLS_CERT' : 'REDIS_TLS_KEY', 'REDIS_TLS_CERT and REDIS_TLS_KEY go together (a client certificate and its key); set both or neither');
  }
  if (ca === undefined && cert === undefined) return undefined;
  const tlsUrl = new URL(config.redisUrl).protocol === 'rediss:';
  const sentinelTls = config.redisSentinels.length > 0 && config.redisSentinelTls;
  if (!tlsUrl && !sentinelTls) {
    const variable = ca !== undefined ? 'REDIS_TLS_CA' : 'REDIS_TLS_CERT';
    throw new ConfigError(variable, 'only applies to TLS connections, but REDIS_URL starts with redis://: use rediss:// for a Redis with TLS (or unset it)');
  }
  return { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined && key !== undefined ? { cert, key } : {}) };
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

/** What starts a command; the bot and the SDK (for usage lines) read it. */
export const commandPrefixSetting = setting('ZEN_COMMAND_PREFIX', '!', 'What starts a command (`!woot`)', (raw, variable) => {
  if (raw.length > 4 || /\s/.test(raw)) throw new ConfigError(variable, 'must be 1-4 characters without spaces');
  return raw;
});

/** Largest `out` payload the bot accepts; publishers check it before sending. */
export const maxPayloadBytesSetting = setting('ZEN_MAX_PAYLOAD_BYTES', String(DEFAULT_MAX_PAYLOAD_BYTES), 'Largest `out` payload accepted, in bytes', integer(256, 1_048_576));

export type Parsed<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** The bus settings, plus where Redis is (`redis`), checked for bad combinations. */
export type BusConfig = Parsed<typeof busSettings> & { redis: RedisTarget };

/** Reads every setting of a table; throws ConfigError naming the first bad variable. */
export function readAll<S extends Record<string, Setting<unknown>>>(settings: S, env: Env): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) out[key] = read(env, s);
  return out as Parsed<S>;
}

/** The Redis side only: what every client (SDK, CLI, services) needs. */
export function loadBusConfig(env: Env = process.env): BusConfig {
  const config = readAll(busSettings, env);
  return { ...config, redis: redisTarget(config) };
}
