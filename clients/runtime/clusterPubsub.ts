/**
 * Classic pub/sub on a Redis Cluster through one stable node.
 *
 * A cluster delivers a `PUBLISH` to the subscribers of the node that took it
 * at once, and to the subscribers of every other node after forwarding it
 * over the cluster bus. Redis 7.0's bus links are opened without
 * TCP_NODELAY (valkey-io/valkey#1758), so a small forwarded message can wait
 * for the receiver's delayed ACK (40 ms on Linux) behind the previous one.
 * ioredis sends each keyless `PUBLISH` (and each keyless pipeline) to a
 * random master and subscribes on a random node, so most of zenrelay's
 * messages crossed the bus and, measured, 18% of `!woot` round trips took
 * ~40 ms (docs/benchmarks.md).
 *
 * So every zenrelay program publishes and subscribes on the same node: the
 * master serving hash slot 0, read from the slot map each program already
 * has (no coordination; programs agree whenever their slot maps do). Its
 * messages then never need the bus to reach zenrelay's own subscribers. The
 * bus broadcast still happens, so a ZenIRCBot-style client subscribed on any
 * other node still receives everything. Correctness never depends on the
 * choice: when programs disagree for a while (a failover, a resharding) a
 * message takes the bus, as before.
 *
 * Re-chosen: a publish follows ioredis' routing for slot 0 (after a
 * `MOVED`, a connection error or a slot refresh it goes where slot 0 went,
 * falling back to a random node on a connection error); the subscriber
 * connection moves to the slot-0 master after each slot refresh that finds it
 * elsewhere (at start, after a failover), and when its node ends ioredis
 * picks the slot-0 master again if it is still reachable, else a random node
 * until the next refresh.
 */
import type { Cluster, Redis } from 'ioredis';

/** The hash slot whose master carries zenrelay's pub/sub. */
export const PUBSUB_SLOT = 0;
/** A key in PUBSUB_SLOT (CRC16 of "" is 0), used to route keyless publishes there. */
const SLOT_0_KEY = '';

/** The node key ("host:port") of the master serving `slot` in an ioredis slot map (masters first), if known. */
export function pubsubNodeKey(slots: ReadonlyArray<ReadonlyArray<string> | undefined>, slot = PUBSUB_SLOT): string | undefined {
  return slots[slot]?.[0];
}

/** What routing needs to know of a queued command. */
export interface QueuedCommand {
  name: string;
  getKeys(): Array<string | Buffer>;
}

/**
 * Whether a pipeline is made of publishes only (ioredis would send a
 * pipeline without keys to a random node; these go to the pub/sub node).
 * A pipeline or transaction with keys keeps its keys' slot.
 */
export function isPublishOnly(commands: readonly QueuedCommand[]): boolean {
  return commands.length > 0 && commands.every((c) => c.name === 'publish' && c.getKeys().length === 0);
}

interface ClusterInternals {
  subscriber?: {
    connectionPool?: { getNodes(role?: string): Redis[]; getInstanceByKey(key: string): Redis | undefined };
    getInstance(): Redis | null;
    selectSubscriber?: () => void;
  };
}

interface RoutableCommand extends QueuedCommand {
  getKeys(): Array<string | Buffer>;
}

interface PipelineInternals {
  _queue?: RoutableCommand[];
  exec: (...args: unknown[]) => Promise<unknown>;
}

/** Makes a key-less command report SLOT_0_KEY, so ioredis routes it (and retries it) as a command on slot 0. */
function routeToPubsubSlot(command: RoutableCommand): void {
  command.getKeys = () => [SLOT_0_KEY];
}

/** Whether the ioredis internals this relies on are there (checked by the cluster integration test). */
export function canPinPubsub(cluster: Cluster): boolean {
  const sub = (cluster as unknown as ClusterInternals).subscriber;
  return typeof sub?.selectSubscriber === 'function' && typeof sub.connectionPool?.getNodes === 'function' && typeof sub.getInstance === 'function';
}

/** The node key of the connection the cluster's subscriber uses now, if any (for tests and logs). */
export function subscriberNodeKey(cluster: Cluster): string | undefined {
  const redis = (cluster as unknown as ClusterInternals).subscriber?.getInstance();
  return redis ? `${redis.options.host}:${redis.options.port}` : undefined;
}

/** Pins `cluster`'s classic publishes and its subscriber connection to the master serving PUBSUB_SLOT. */
export function pinPubsub(cluster: Cluster): void {
  // Publishes: single commands and publish-only pipelines are routed as slot-0 commands.
  const sendCommand = cluster.sendCommand.bind(cluster) as (...args: unknown[]) => unknown;
  (cluster as unknown as { sendCommand: (...args: unknown[]) => unknown }).sendCommand = (command: unknown, stream?: unknown, node?: unknown) => {
    const c = command as RoutableCommand;
    if (node === undefined && c.name === 'publish' && c.getKeys().length === 0) routeToPubsubSlot(c);
    return sendCommand(command, stream, node);
  };
  const pipeline = cluster.pipeline.bind(cluster);
  cluster.pipeline = ((...args: Parameters<Cluster['pipeline']>) => {
    const p = pipeline(...args) as unknown as PipelineInternals;
    const exec = p.exec.bind(p);
    p.exec = (...execArgs: unknown[]) => {
      const queue = p._queue;
      if (queue && isPublishOnly(queue)) for (const c of queue) routeToPubsubSlot(c);
      return exec(...execArgs);
    };
    return p as unknown as ReturnType<Cluster['pipeline']>;
  }) as Cluster['pipeline'];

  // Subscriber: ioredis picks its node from the pool; offer it the slot-0 master when the pool has it.
  if (!canPinPubsub(cluster)) return;
  const sub = (cluster as unknown as ClusterInternals).subscriber as Required<NonNullable<ClusterInternals['subscriber']>>;
  const pool = sub.connectionPool;
  const chosen = (): Redis | undefined => {
    const key = pubsubNodeKey(cluster.slots);
    return key === undefined ? undefined : pool.getInstanceByKey(key);
  };
  const view = Object.create(pool) as typeof pool;
  view.getNodes = (role?: string) => {
    const node = chosen();
    return node ? [node] : pool.getNodes(role);
  };
  sub.connectionPool = view;
  cluster.on('refresh', () => {
    const key = pubsubNodeKey(cluster.slots);
    const current = sub.getInstance();
    if (key === undefined || current === null || chosen() === undefined) return;
    if (`${current.options.host}:${current.options.port}` !== key) sub.selectSubscriber.call(sub);
  });
}
