/**
 * Every Redis connection of zenrelay is built here, from one description of
 * where Redis is (`RedisTarget`, read from the bus settings by busConfig.ts):
 * a single server (`REDIS_URL`), a Sentinel-managed primary
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_MASTER`) or a Cluster
 * (`REDIS_CLUSTER_NODES`). The bot, the SDK (so every service), `zen notify`,
 * `zen tail`, the webhook and `zen up` all connect through `createRedis`, so
 * they all follow a failover the same way:
 *
 * - Sentinel: ioredis asks the sentinels for the current primary on every
 *   (re)connect, checks the node's role is `master` before using it, and
 *   (`failoverDetector`) drops the connection as soon as a sentinel announces
 *   `+switch-master`, so nothing stays on a demoted primary.
 * - Any mode: a `READONLY` reply (the node became a replica under us, e.g. a
 *   DNS-based managed failover) makes ioredis reconnect and resend the command.
 * - Pub/sub connections resubscribe after every reconnect (ioredis), on the new
 *   primary; the cluster resubscribes on another node when its node fails.
 * - Cluster: classic PUBLISH and SUBSCRIBE all go to the master serving hash
 *   slot 0, re-chosen from the slot map (clusterPubsub.ts).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { ConfigError } from './ConfigError';
import { pinPubsub } from './clusterPubsub';
import { redactUrl } from './log';

export interface HostPort {
  host: string;
  port: number;
}

/** PEM files for TLS connections (REDIS_TLS_CA, REDIS_TLS_CERT + REDIS_TLS_KEY); paths, read on every connect. */
export interface RedisTlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Where Redis is. `url` is REDIS_URL: in sentinel and cluster mode only its
 * credentials, db and `rediss:` apply. `tls` applies to every TLS connection
 * of the target (`rediss://`; the sentinels' with REDIS_SENTINEL_TLS).
 */
export type RedisTarget = (
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; url: string; sentinels: HostPort[]; master: string; sentinelPassword?: string; sentinelTls: boolean }
  | { kind: 'cluster'; url: string; nodes: HostPort[] }
) & { tls?: RedisTlsFiles };

/** A connection to a single server, a Sentinel primary, or a Cluster: the commands zenrelay uses exist on both. */
export type RedisConnection = Redis | Cluster;

export interface RedisConnectionOptions {
  /** CLIENT SETNAME on every node (shows in CLIENT LIST). */
  connectionName: string;
  /** Default true: call connect() yourself. */
  lazyConnect?: boolean;
  /** Retries of one command over reconnects before it fails; null = wait for Redis however long. Default: ioredis' (20). */
  maxRetriesPerRequest?: number | null;
  /** Delay before reconnect attempt `times`; null stops. Default: ioredis' (up to 2 s, forever). */
  retryStrategy?: (times: number) => number | null;
  /** false: commands fail at once while disconnected instead of waiting. Default true. */
  enableOfflineQueue?: boolean;
  /** ms to wait for a TCP connection. Default: ioredis' (10 s). */
  connectTimeout?: number;
  /** ms disconnect() waits for the socket's close. Default: ioredis' (2 s). */
  disconnectTimeout?: number;
}

/** A single host:port item of REDIS_SENTINELS / REDIS_CLUSTER_NODES; undefined when malformed. */
export function parseHostPort(item: string): HostPort | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(item);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { host, port };
}

/** Whether keys must be hash-tagged (co-located in one slot) on this target. */
export function isCluster(target: RedisTarget): boolean {
  return target.kind === 'cluster';
}

/**
 * Whether `conn` talks to a Redis Cluster. There PUBLISH reaches every node's
 * subscribers but its reply counts only the subscribers of the node that took
 * it, so 0 does not mean nobody listens.
 */
export function isClusterConnection(conn: RedisConnection): conn is Cluster {
  return conn instanceof Cluster;
}

/** Where Redis is, for logs and error messages; never contains a password. */
export function describeTarget(target: RedisTarget): string {
  const list = (nodes: HostPort[]) => nodes.map(formatHostPort).join(',');
  switch (target.kind) {
    case 'single':
      return redactUrl(target.url);
    case 'sentinel':
      return `sentinel master ${JSON.stringify(target.master)} via ${list(target.sentinels)}`;
    case 'cluster':
      return `cluster ${list(target.nodes)}`;
  }
}

/** The settings to fix when Redis cannot be reached. */
export function targetVariables(target: RedisTarget): string {
  switch (target.kind) {
    case 'single':
      return 'REDIS_URL';
    case 'sentinel':
      return 'REDIS_SENTINELS and REDIS_SENTINEL_MASTER';
    case 'cluster':
      return 'REDIS_CLUSTER_NODES';
  }
}

/** Reconnect (and resend the command) when a node answers READONLY: it was demoted to a replica. */
function reconnectOnReadonly(err: Error): 2 | false {
  return /^READONLY/.test(err.message) ? 2 : false;
}

interface UrlParts {
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
}

function urlParts(url: string): UrlParts {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    username: u.username === '' ? undefined : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:',
  };
}

/** Reads one PEM file of `files`; a file gone since start is a ConfigError naming its variable. */
function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(variable, `cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): set it to a readable PEM file`);
  }
}

/** Node TLS options from REDIS_TLS_*: the CA to trust (else the system's) and the client certificate. */
export function tlsOptions(files: RedisTlsFiles | undefined): ConnectionOptions {
  if (files === undefined) return {};
  return {
    ...(files.ca !== undefined ? { ca: readPem(files.ca, 'REDIS_TLS_CA') } : {}),
    ...(files.cert !== undefined ? { cert: readPem(files.cert, 'REDIS_TLS_CERT') } : {}),
    ...(files.key !== undefined ? { key: readPem(files.key, 'REDIS_TLS_KEY') } : {}),
  };
}

/** Builds one connection to `target`. Add an 'error' listener; call connect() unless lazyConnect is false. */
export function createRedis(target: RedisTarget, options: RedisConnectionOptions): RedisConnection {
  const tls = tlsOptions(target.tls);
  const common: RedisOptions = {
    lazyConnect: options.lazyConnect ?? true,
    connectionName: options.connectionName,
    reconnectOnError: reconnectOnReadonly,
    ...(options.maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest: options.maxRetriesPerRequest } : {}),
    ...(options.retryStrategy !== undefined ? { retryStrategy: options.retryStrategy } : {}),
    ...(options.enableOfflineQueue !== undefined ? { enableOfflineQueue: options.enableOfflineQueue } : {}),
    ...(options.connectTimeout !== undefined ? { connectTimeout: options.connectTimeout } : {}),
    ...(options.disconnectTimeout !== undefined ? { disconnectTimeout: options.disconnectTimeout } : {}),
  };
  switch (target.kind) {
    case 'single':
      // ioredis turns TLS on for rediss:// by itself; these add the CA and client certificate.
      return new Redis(target.url, urlParts(target.url).tls ? { ...common, tls } : common);
    case 'sentinel': {
      const parts = urlParts(target.url);
      const retries = options.retryStrategy === undefined || options.retryStrategy(1) !== null;
      const conn = new Redis({
        ...common,
        sentinels: target.sentinels,
        name: target.master,
        role: 'master',
        failoverDetector: true,
        username: parts.username,
        password: parts.password,
        db: parts.db,
        ...(parts.tls ? { tls, enableTLSForSentinelMode: true } : {}),
        ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.sentinelTls ? { sentinelTLS: tls } : {}),
        // Keep asking the sentinels however long they are all away, unless the caller gives up at once.
        sentinelRetryStrategy: (times: number) => (retries ? Math.min(times * 100, 2000) : null),
      });
      // Only for connections meant to retry (zen notify's gives up at once, on purpose).
      keepSentinelConnection(conn, retries);
      return conn;
    }
    case 'cluster': {
      const parts = urlParts(target.url);
      const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = common;
      const clusterOptions: ClusterOptions = {
        lazyConnect,
        ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
        ...(retryStrategy !== undefined ? { clusterRetryStrategy: retryStrategy } : { clusterRetryStrategy: (times: number) => Math.min(times * 100, 2000) }),
        // A command sent while a master's slots move to its replica waits and retries instead of failing.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        retryDelayOnTryAgain: 200,
        maxRedirections: 32,
        redisOptions: {
          ...perNode,
          username: parts.username,
          password: parts.password,
          ...(parts.tls ? { tls } : {}),
        },
      };
      const cluster = new Cluster(target.nodes, clusterOptions);
      // Publish and subscribe on one stable node, so zenrelay's own messages need no cluster-bus hop.
      pinPubsub(cluster);
      return cluster;
    }
  }
}

/**
 * Two ioredis 6 Sentinel-mode defects, worked around:
 * - a `+switch-master` announced while the client is asking the sentinels for
 *   the primary (it reconnects after the old one died) makes connect() fail
 *   and the client ends for good (status `end`, no retry): seen in the
 *   Sentinel test under load. A connection that ends without quit() or
 *   disconnect() is connected again (its subscriptions come back on ready),
 *   unless its retry strategy says not to retry.
 * - after quit() the failover detector's sentinel connections stay open (only
 *   disconnect() closes them), which would keep a finished `zen notify`
 *   running: they are closed once the connection ends.
 */
function keepSentinelConnection(conn: Redis, retries: boolean): void {
  let closing = false;
  const quit = conn.quit.bind(conn) as (...args: unknown[]) => Promise<'OK'>;
  const disconnect = conn.disconnect.bind(conn);
  conn.quit = ((...args: unknown[]) => {
    closing = true;
    return quit(...args);
  }) as Redis['quit'];
  conn.disconnect = (reconnect?: boolean) => {
    if (!reconnect) closing = true; // disconnect(true) is ioredis' own reconnect
    disconnect(reconnect);
  };
  conn.on('end', () => {
    if (closing || !retries) {
      disconnect();
      return;
    }
    setTimeout(() => {
      if (!closing && conn.status === 'end') conn.connect().catch(() => undefined);
    }, 200).unref();
  });
}

/**
 * Every key matching `pattern`. On a cluster SCAN only walks one node, so
 * each master is scanned (a replica holds copies of its master's keys).
 */
export async function scanKeys(conn: RedisConnection, pattern: string, count = 200): Promise<string[]> {
  const found = new Set<string>();
  const nodes: Redis[] = conn instanceof Cluster ? conn.nodes('master') : [conn];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      for (const key of batch) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found];
}

/**
 * Redis WAIT for the writes made on this connection so far: how many replicas
 * have them. On a cluster it must reach the node holding `key` (the stream),
 * so it is pipelined behind a command on that key (a pipeline goes to one node).
 */
export async function waitForReplicas(redis: RedisConnection, key: string, replicas: number, timeoutMs: number): Promise<number> {
  const results = await redis.pipeline().exists(key).wait(replicas, timeoutMs).exec();
  const reply = results?.[1];
  if (!reply) throw new Error('Redis did not answer WAIT');
  if (reply[0]) throw reply[0];
  return Number(reply[1]);
}

/**
 * SUBSCRIBE now, and again after every reconnect. ioredis resubscribes by
 * itself, but only to channels whose SUBSCRIBE reply it had recorded, so a
 * connection dropped between a reconnect and that reply (as a Sentinel
 * `+switch-master` right after the client found the new primary can do) could
 * come back subscribed to nothing; this makes sure it does not. SUBSCRIBE
 * twice is harmless. Call the returned function before UNSUBSCRIBE to stop
 * re-subscribing.
 */
export async function subscribeKept(conn: RedisConnection, channels: string[]): Promise<() => void> {
  let kept = true;
  const again = () => {
    if (kept) conn.subscribe(...channels).catch(() => undefined);
  };
  conn.on('ready', again);
  await conn.subscribe(...channels);
  return () => {
    kept = false;
    conn.off('ready', again);
  };
}

function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
