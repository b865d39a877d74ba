/**
 * A Sentinel-managed Redis on loopback: one primary, one replica and three
 * sentinels (quorum 2), with short timeouts so a failover takes seconds:
 * down-after-milliseconds 1000, failover-timeout 5000. Every process is a
 * real redis-server (sentinels run `redis-server <conf> --sentinel`, which is
 * what Debian's redis-sentinel is) and is stopped by PID.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ManagedServer, waitForOutput } from './managedServer';
import { startRedis, type RedisServer } from './redisServer';
import { makeTempDir } from './tempDir';
import type { ServerHandle } from './types';
import { waitUntil } from './waitFor';

export const SENTINEL_MASTER = 'zenmaster';

export interface SentinelSetup {
  /** The servers as started: `servers[0]` was the primary, `servers[1]` its replica. */
  readonly servers: RedisServer[];
  readonly sentinels: ServerHandle[];
  /** REDIS_SENTINELS and REDIS_SENTINEL_MASTER for the programs under test. */
  readonly env: Record<string, string>;
  /** Port of the primary the sentinels name now. */
  primaryPort(): Promise<number>;
  /** The server that is primary now. */
  primary(): Promise<RedisServer>;
  /** Waits until the sentinels name a primary other than `oldPort` and it accepts writes; resolves with its port. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  /** Waits until a replica has everything the primary has written so far (its replication offset caught up). */
  waitForReplicaInSync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** One command on a fresh connection to 127.0.0.1:`port`. */
export async function redisCommand(port: number, command: string, ...args: Array<string | number>): Promise<unknown> {
  const conn = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: 2000 });
  conn.on('error', () => undefined);
  try {
    await conn.connect();
    return await conn.call(command, ...args);
  } finally {
    conn.disconnect();
  }
}

/** `INFO <section>` of the server on `port` as key → value. */
export async function redisInfo(port: number, section: string): Promise<Map<string, string>> {
  const text = String(await redisCommand(port, 'INFO', section));
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0) out.set(line.slice(0, at), line.slice(at + 1));
  }
  return out;
}

async function startSentinel(primaryPort: number): Promise<ServerHandle> {
  const dir = makeTempDir('sentinel');
  const conf = join(dir, 'sentinel.conf');
  const managed = await ManagedServer.start({
    name: 'redis-sentinel',
    ownedDir: dir,
    portInUse: /Address already in use|Could not create server TCP listening socket/i,
    prepare: (port) => {
      // Sentinel rewrites its config file (it must be writable); written fresh on every launch.
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'daemonize no',
          `dir ${dir}`,
          'logfile ""',
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          '',
        ].join('\n'),
      );
      return { command: 'redis-server', args: [conf, '--sentinel'] };
    },
    ready: (proc, _port, timeoutMs) => waitForOutput(proc, /\+monitor master/, timeoutMs),
  });
  return managed.handle({});
}

/** Starts primary, replica (in sync) and three sentinels that all see both and each other. */
export async function startSentinelSetup(): Promise<SentinelSetup> {
  const started: ServerHandle[] = [];
  try {
    const primary = await startRedis({ name: 'redis-primary' });
    started.push(primary);
    const replica = await startRedis({ name: 'redis-replica', args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    started.push(replica);
    await waitUntil(async () => (await redisInfo(replica.port, 'replication')).get('master_link_status') === 'up', 20000, 'the replica to sync with the primary');
    const sentinels: ServerHandle[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await startSentinel(primary.port);
      sentinels.push(s);
      started.push(s);
    }
    // A failover needs the sentinels to know the replica and each other (learned through hello messages).
    await waitUntil(
      async () => {
        for (const s of sentinels) {
          const info = await redisInfo(s.port, 'sentinel');
          const master = info.get('master0') ?? '';
          if (!/status=ok/.test(master) || !/slaves=1/.test(master) || !/sentinels=3/.test(master)) return false;
        }
        return true;
      },
      30000,
      'every sentinel to see the primary, the replica and the other two sentinels',
      200,
    );
    const servers = [primary, replica];
    const setup: SentinelSetup = {
      servers,
      sentinels,
      env: { REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','), REDIS_SENTINEL_MASTER: SENTINEL_MASTER },
      async primaryPort() {
        for (const s of sentinels) {
          try {
            const addr = (await redisCommand(s.port, 'SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER)) as [string, string];
            return Number(addr[1]);
          } catch {
            // that sentinel is not answering: ask the next
          }
        }
        throw new Error('no sentinel answered get-master-addr-by-name');
      },
      async primary() {
        const port = await setup.primaryPort();
        const server = servers.find((s) => s.port === port);
        if (!server) throw new Error(`the sentinels name port ${port}, which is none of the servers started`);
        return server;
      },
      async waitForFailover(oldPort, timeoutMs = 40000) {
        let port = oldPort;
        await waitUntil(
          async () => {
            port = await setup.primaryPort().catch(() => oldPort);
            if (port === oldPort) return false;
            const role = await redisInfo(port, 'replication').then((i) => i.get('role'), () => undefined);
            return role === 'master';
          },
          timeoutMs,
          `the sentinels to promote a new primary instead of port ${oldPort}`,
          200,
        );
        return port;
      },
      async waitForReplicaInSync(timeoutMs = 10000) {
        const port = await setup.primaryPort();
        const target = Number((await redisInfo(port, 'replication')).get('master_repl_offset'));
        await waitUntil(
          async () => {
            const replica = (await redisInfo(port, 'replication')).get('slave0') ?? '';
            const offset = /offset=(\d+)/.exec(replica);
            return offset !== null && Number(offset[1]) >= target && /state=online/.test(replica);
          },
          timeoutMs,
          `the replica to reach replication offset ${target}`,
          50,
        );
      },
      async stop() {
        for (const s of [...started].reverse()) await s.stop().catch(() => undefined);
      },
    };
    return setup;
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
