/**
 * Cluster pub/sub through one stable node (clients/runtime/clusterPubsub.ts),
 * on a real six-node cluster: every connection built by createRedis
 * publishes (single commands and publish-only pipelines) and subscribes on
 * the master serving hash slot 0; a transaction keeps its keys' slot; a
 * plain SUBSCRIBE on any other node still receives everything (classic
 * PUBLISH is broadcast); after that master is killed the subscriber and the
 * publishes move to its promoted replica and messages keep flowing.
 */
import { Redis } from 'ioredis';
import { canPinPubsub, createRedis, isClusterConnection, loadBusConfig, subscriberNodeKey, subscribeKept, type RedisConnection } from '@zenrelay/runtime';
import { redisCommand, redisInfo, startRedisCluster, waitUntil, type RedisCluster } from '../harness';

jest.setTimeout(120000);

let cluster: RedisCluster;
let sub: RedisConnection;
let pub: RedisConnection;
let plain: Redis | undefined;
const got: string[] = [];
const plainGot: string[] = [];

/** The port of the live master serving slot 0, from the cluster's own view. */
async function slot0Master(): Promise<number> {
  const nodes = await cluster.nodes();
  const m = nodes.find((n) => n.role === 'master' && !n.failed && n.slots.some((r) => r.split('-')[0] === '0'));
  if (!m) throw new Error('no live master serves slot 0');
  return m.port;
}

function asCluster(conn: RedisConnection) {
  if (!isClusterConnection(conn)) throw new Error('createRedis did not build a Cluster connection for REDIS_CLUSTER_NODES');
  return conn;
}

async function publishCalls(port: number): Promise<number> {
  const stats = await redisInfo(port, 'commandstats').catch(() => new Map<string, string>());
  return Number(/calls=(\d+)/.exec(stats.get('cmdstat_publish') ?? '')?.[1] ?? 0);
}

async function liveServers() {
  const alive = await Promise.all(cluster.servers.map((s) => redisCommand(s.port, 'PING').then(() => true, () => false)));
  return cluster.servers.filter((_, i) => alive[i]);
}

async function resetStats(): Promise<void> {
  for (const s of await liveServers()) await redisCommand(s.port, 'CONFIG', 'RESETSTAT');
}

/** Publishes `n` single messages and one publish-only pipeline of `n`; waits until the subscriber has them all. */
async function publishAll(tag: string, n: number): Promise<void> {
  const want: string[] = [];
  for (let i = 0; i < n; i++) {
    want.push(`${tag}-single-${i}`);
    await pub.publish('zenrelay:in', `${tag}-single-${i}`);
  }
  const p = pub.pipeline();
  for (let i = 0; i < n; i++) {
    want.push(`${tag}-pipe-${i}`);
    p.publish('zenrelay:in', `${tag}-pipe-${i}`);
  }
  const results = await p.exec();
  expect(results?.every(([err]) => err === null)).toBe(true);
  await waitUntil(() => want.every((w) => got.includes(w)), 15000, `every ${tag} message to reach the subscriber`);
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  const target = loadBusConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ...cluster.env }).redis;
  sub = createRedis(target, { connectionName: 'pin-sub' });
  pub = createRedis(target, { connectionName: 'pin-pub' });
  for (const c of [sub, pub]) c.on('error', () => undefined);
  sub.on('message', (_channel: string, message: string) => got.push(message));
  await Promise.all([sub.connect(), pub.connect()]);
  await subscribeKept(sub, ['zenrelay:in']);
});

afterAll(async () => {
  sub?.disconnect();
  pub?.disconnect();
  plain?.disconnect();
  await cluster?.stop();
});

describe('cluster pub/sub through the slot-0 master', () => {
  it('subscribes on the master serving slot 0', async () => {
    const conn = asCluster(sub);
    expect(canPinPubsub(conn)).toBe(true);
    const port = await slot0Master();
    expect(subscriberNodeKey(conn)).toBe(`127.0.0.1:${port}`);
    const clients = String(await redisCommand(port, 'CLIENT', 'LIST', 'TYPE', 'pubsub'));
    expect(clients).toContain('name=ioredis-cluster(subscriber):pin-sub ');
  });

  it('sends every publish, single or pipelined, to that master, and a ZenIRCBot-style SUBSCRIBE elsewhere still gets them', async () => {
    const port = await slot0Master();
    const other = cluster.servers.find((s) => s.port !== port);
    if (!other) throw new Error('no other node');
    plain = new Redis({ host: '127.0.0.1', port: other.port, lazyConnect: true });
    plain.on('error', () => undefined);
    plain.on('message', (_channel: string, message: string) => plainGot.push(message));
    await plain.connect();
    await plain.subscribe('zenrelay:in');
    await resetStats();
    await publishAll('first', 20);
    expect(await publishCalls(port)).toBe(40);
    for (const s of cluster.servers.filter((x) => x.port !== port)) expect(await publishCalls(s.port)).toBe(0);
    await waitUntil(() => plainGot.filter((m) => m.startsWith('first-')).length === 40, 15000, 'the plain subscriber on another node to get all 40');
  });

  it('leaves a transaction with keys on its keys’ node', async () => {
    const key = '{pin-test}:k';
    const keyMaster = await cluster.masterFor(key);
    await resetStats();
    const results = await pub.multi().set(key, '1').publish('zenrelay:in', 'in-a-transaction').exec();
    expect(results?.map(([err]) => err)).toEqual([null, null]);
    expect(await publishCalls(keyMaster.port)).toBe(1);
    await waitUntil(() => got.includes('in-a-transaction'), 15000, 'the transaction’s message to arrive');
  });

  it('moves the subscriber and the publishes to the new slot-0 master after a failover', async () => {
    const old = await slot0Master();
    const server = cluster.servers.find((s) => s.port === old);
    if (!server) throw new Error('slot-0 master not found');
    await server.kill();
    await cluster.waitForTakeover(old);
    const port = await slot0Master();
    expect(port).not.toBe(old);
    // The slot refresh (on the connection error, or every few seconds) re-chooses.
    await waitUntil(() => subscriberNodeKey(asCluster(sub)) === `127.0.0.1:${port}`, 30000, 'the subscriber to move to the new slot-0 master');
    await waitUntil(
      async () => {
        await resetStats();
        await pub.publish('zenrelay:in', 'probe');
        return (await publishCalls(port)) === 1;
      },
      30000,
      'publishes to reach the new slot-0 master',
      300,
    );
    await resetStats();
    await publishAll('after', 10);
    expect(await publishCalls(port)).toBe(20);
  });
});
