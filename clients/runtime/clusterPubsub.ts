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
 * Re-chosen: every connection re-reads the slot map every SLOT_REFRESH_MS
 * (and ioredis does after a `MOVED` or a connection error). A publish is
 * routed by ioredis as a command on slot 0, so it follows slot 0 at once
 * (and goes to a random node while its node cannot be reached). The
 * subscriber connection starts on the slot-0 master (ioredis first picks a
 * seed; it is moved before anything subscribes) and is moved there again
 * after a refresh that finds it elsewhere and the slot-0 master answering a
 * PING, never while a SUBSCRIBE is in flight; when its node fails, ioredis
 * moves it to another node at once (not back to the failed one) and
 * resubscribes. A move closes the old connection before the new one has
 * subscribed, so messages published in that moment (a few ms, only after a
 * topology change) are not received: pub/sub is at-most-once anyway.
 */
import type { Cluster, Redis } from 'ioredis';

/** How often each cluster connection re-reads the slot map, so a failover moves the pub/sub node. */
export const SLOT_REFRESH_MS = 2000;

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
  promise?: Promise<unknown>;
}

/** Commands that change the subscriber connection's subscriptions. */
const SUBSCRIPTION_COMMANDS = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe']);

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
  return redis ? nodeKey(redis) : undefined;
}

/** Pins `cluster`'s classic publishes and its subscriber connection to the master serving PUBSUB_SLOT. */
export function pinPubsub(cluster: Cluster): void {
  // Publishes: single commands and publish-only pipelines are routed as slot-0 commands.
  // `subscribing` counts SUBSCRIBE & co. in flight: the subscriber is not moved under them.
  let subscribing = 0;
  const sendCommand = cluster.sendCommand.bind(cluster) as (...args: unknown[]) => unknown;
  (cluster as unknown as { sendCommand: (...args: unknown[]) => unknown }).sendCommand = (command: unknown, stream?: unknown, node?: unknown) => {
    const c = command as RoutableCommand;
    if (node === undefined && c.name === 'publish' && c.getKeys().length === 0) routeToPubsubSlot(c);
    if (SUBSCRIPTION_COMMANDS.has(c.name) && c.promise) {
      subscribing++;
      const done = () => {
        subscribing--;
      };
      c.promise.then(done, done);
    }
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

  // ioredis 6 never re-reads the slot map by itself (and its slotsRefreshInterval timer can outlive
  // disconnect() when a refresh is in flight): an unref'd timer, only while the connection is ready.
  let refresher: NodeJS.Timeout | undefined;
  const stopRefreshing = () => {
    if (refresher) clearInterval(refresher);
    refresher = undefined;
  };
  cluster.on('ready', () => {
    stopRefreshing();
    refresher = setInterval(() => {
      if (cluster.status === 'ready') cluster.refreshSlotsCache();
    }, SLOT_REFRESH_MS);
    refresher.unref();
  });
  cluster.on('end', stopRefreshing);
  cluster.on('close', stopRefreshing);

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
    const all = pool.getNodes(role);
    const node = chosen();
    // The subscriber has just ended on the chosen node (it failed): anywhere else until the slot map says more.
    const ended = sub.getInstance();
    if (node && ended?.status === 'end' && nodeKey(ended) === nodeKey(node)) {
      cluster.refreshSlotsCache();
      const others = all.filter((n) => nodeKey(n) !== nodeKey(node));
      return others.length > 0 ? others : all;
    }
    return node ? [node] : all;
  };
  sub.connectionPool = view;
  let moving = false;
  const move = () => {
    const node = chosen();
    const current = sub.getInstance();
    if (node !== undefined && current !== null && nodeKey(current) !== nodeKey(node) && subscribing === 0) sub.selectSubscriber.call(sub);
  };
  cluster.on('refresh', () => {
    const node = chosen();
    const current = sub.getInstance();
    if (moving || node === undefined || current === null || nodeKey(current) === nodeKey(node) || subscribing > 0) return;
    // Not connected yet (the start: ioredis chose among the seeds before reading the slot map): move now.
    if (current.status === 'wait') {
      move();
      return;
    }
    // Move only to a node that answers, so a master that died but still holds slot 0 in the map is not chosen.
    moving = true;
    answers(node)
      .then((ok) => {
        if (ok && chosen() === node) move();
      })
      .finally(() => {
        moving = false;
      });
  });
}

function nodeKey(redis: Redis): string {
  return `${redis.options.host}:${redis.options.port}`;
}

/** Whether `node` answers PING within a second. */
async function answers(node: Redis): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 1000);
    timer.unref();
  });
  try {
    return await Promise.race([node.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
