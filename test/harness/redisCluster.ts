/**
 * A real Redis Cluster on loopback: six `redis-server --cluster-enabled yes`
 * nodes joined by `redis-cli --cluster create … --cluster-replicas 1`, so
 * three masters each with one replica. cluster-node-timeout is 1000 ms, so a
 * killed master's replica takes over within seconds.
 */
import { spawnSync } from 'node:child_process';
import { startRedis, type RedisServer } from './redisServer';
import { redisCommand } from './sentinel';
import { waitUntil } from './waitFor';

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** Whether the cluster sees it as failed. */
  failed: boolean;
  /** Slot ranges it serves (masters). */
  slots: string[];
}

export interface RedisCluster {
  readonly servers: RedisServer[];
  /** REDIS_CLUSTER_NODES for the programs under test (every node as a seed). */
  readonly env: Record<string, string>;
  /** The cluster's view (CLUSTER NODES), asked of the first live node. */
  nodes(): Promise<ClusterNodeInfo[]>;
  /** The master serving `key`'s slot now. */
  masterFor(key: string): Promise<RedisServer>;
  /** Waits until every slot is served again and none by `port` (after a kill). */
  waitForTakeover(port: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function parseNodes(text: string): ClusterNodeInfo[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, addr, flags, , , , , , ...slots] = line.trim().split(' ');
      return {
        id,
        port: Number(/:(\d+)@/.exec(addr)?.[1] ?? 0),
        role: flags.includes('master') ? 'master' : 'replica',
        failed: flags.split(',').includes('fail'),
        slots,
      };
    });
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const servers: RedisServer[] = [];
  const stop = async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
  };
  try {
    for (let i = 0; i < 6; i++) {
      servers.push(
        await startRedis({
          name: `redis-cluster-${i}`,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes-{port}.conf', '--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0'],
        }),
      );
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '1', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 60000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed (${create.status}): ${create.stdout}\n${create.stderr}`);
    await waitUntil(
      async () => {
        for (const s of servers) {
          const info = String(await redisCommand(s.port, 'CLUSTER', 'INFO'));
          if (!/cluster_state:ok/.test(info) || !/cluster_known_nodes:6/.test(info)) return false;
        }
        return true;
      },
      30000,
      'every cluster node to report cluster_state:ok with 6 known nodes',
      200,
    );
    const cluster: RedisCluster = {
      servers,
      env: { REDIS_CLUSTER_NODES: servers.map((s) => `127.0.0.1:${s.port}`).join(',') },
      async nodes() {
        let last: unknown;
        for (const s of servers) {
          try {
            return parseNodes(String(await redisCommand(s.port, 'CLUSTER', 'NODES')));
          } catch (err) {
            last = err;
          }
        }
        throw new Error(`no cluster node answered CLUSTER NODES: ${String(last)}`);
      },
      async masterFor(key) {
        const slot = Number(await redisCommand(servers[0].port, 'CLUSTER', 'KEYSLOT', key));
        for (const node of (await cluster.nodes()).filter((n) => n.role === 'master' && !n.failed)) {
          for (const range of node.slots) {
            const [from, to] = range.split('-').map(Number);
            if (slot >= from && slot <= (to ?? from)) {
              const server = servers.find((s) => s.port === node.port);
              if (server) return server;
            }
          }
        }
        throw new Error(`no live master serves slot ${slot} of ${key}`);
      },
      async waitForTakeover(port, timeoutMs = 40000) {
        await waitUntil(
          async () => {
            for (const s of servers.filter((x) => x.port !== port)) {
              const info = String(await redisCommand(s.port, 'CLUSTER', 'INFO').catch(() => ''));
              if (!/cluster_state:ok/.test(info)) return false;
            }
            const masters = (await cluster.nodes()).filter((n) => n.role === 'master' && !n.failed && n.slots.length > 0);
            return masters.length === 3 && masters.every((m) => m.port !== port);
          },
          timeoutMs,
          `a replica to take over the slots of the master on port ${port}`,
          200,
        );
      },
      stop,
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}
