import { createHash } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from '@zenrelay/runtime';

/**
 * A burst of `in` events (a flood on IRC: hundreds of lines in one socket
 * read) published as one Lua script call per batch instead of one PUBLISH
 * per event, and a command's pair of `in` stream entries appended as one
 * call instead of a MULTI of two XADDs. Each Redis command costs the bot an ioredis command object, its
 * promise, its encoding and its reply (most of what the bot allocates, and so
 * of its garbage collection, during a flood), and costs Redis a command
 * parsed and a reply written; a script call carries the whole batch as its
 * arguments and answers once. Inside the script each item is its own
 * `redis.pcall`, so one refused item (a channel or key the ACL denies, a key
 * of the wrong type) fails alone, exactly as in a pipeline, and the reply
 * names the items that failed.
 *
 * A single event keeps its plain command. On pub/sub two or more (a
 * command: the line's `privmsg` and `directed_privmsg`; a burst) are one
 * call. On the `in` stream a pair is one call (a script runs as a whole, like
 * the MULTI the pair used to be: a service blocked on the stream gets both
 * entries in one reply); a burst's first entries stay XADDs of their own and
 * only the rest is one call, because Redis serves a blocked reader after each
 * command: entry by entry, a burst spreads over a service's replicas, where
 * a script's entries would all go to the first replica waiting (up to its
 * COUNT; bot/redis/inStream.ts, SPREAD_ENTRIES). On a Redis Cluster the bot's
 * pub/sub is pinned to one node by its pipelines (clients/runtime/clusterPubsub),
 * which a key-less script would bypass, so a Cluster keeps the pipelines too.
 * Where the server refuses the script call itself (an ACL without EVAL and
 * EVALSHA, scripting disabled), nothing of it ran: the batch goes as a
 * pipeline, and so does every later one.
 */

/** Batches smaller than this go as plain commands (a single event). */
export const SCRIPT_BATCH_MIN = 2;

/** What one item of a batch came to: null when Redis took it, else why not. */
export type ItemResult = [Error | null, unknown];

/** Publishes ARGV as (channel, payload) pairs; answers {index, error, …} for the pairs refused (1-based). */
export const PUBLISH_MANY = `local failed = {}
for i = 1, #ARGV, 2 do
  local ok = redis.pcall('PUBLISH', ARGV[i], ARGV[i + 1])
  if type(ok) == 'table' and ok.err then
    failed[#failed + 1] = (i + 1) / 2
    failed[#failed + 1] = ok.err
  end
end
return failed`;

/** XADD KEYS[1] MAXLEN ~ ARGV[1] * ARGV[2] <payload> for each payload from ARGV[3]; answers {index, error, …} for those refused (1-based). */
export const XADD_MANY = `local failed = {}
for i = 3, #ARGV do
  local ok = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', ARGV[2], ARGV[i])
  if type(ok) == 'table' and ok.err then
    failed[#failed + 1] = i - 2
    failed[#failed + 1] = ok.err
  end
end
return failed`;

/** Turns a script's {index, error, …} reply into one result per item. */
/** The result of an item Redis took (shared: results are only read). */
const TAKEN: ItemResult = [null, 1];

export function itemResults(count: number, reply: unknown): ItemResult[] {
  const results: ItemResult[] = new Array<ItemResult>(count).fill(TAKEN);
  if (!Array.isArray(reply)) return results;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const index = Number(reply[i]) - 1;
    if (Number.isInteger(index) && index >= 0 && index < count) results[index] = [new Error(String(reply[i + 1])), null];
  }
  return results;
}

/** Why Redis refused a script call as a whole (so the batch is sent as plain commands), or undefined for any other error. */
export function scriptRefusal(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'ReplyError') return undefined;
  return /^(NOPERM|ERR unknown command|ERR .*disabled)/i.test(err.message) ? err.message : undefined;
}

/** One Lua script, called by its SHA1 and loaded by EVAL when the server does not know it (after a restart or SCRIPT FLUSH). */
export class BatchScript {
  private readonly sha: string;
  /** Set once the server refused the call itself: every later batch is a pipeline. */
  refused: string | undefined;

  /** `sizes`: which batch sizes go as one call (default: SCRIPT_BATCH_MIN and more). */
  constructor(
    private readonly lua: string,
    private readonly sizes: (size: number) => boolean = (size) => size >= SCRIPT_BATCH_MIN,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Whether `conn` should get a batch of `size` items as one call of this script. */
  usable(conn: RedisConnection, size: number): conn is Redis {
    return this.sizes(size) && this.refused === undefined && !(conn instanceof Cluster);
  }

  /**
   * Sends a batch of `size` items: as one call of this script where usable
   * (`args` builds its keys and arguments), else by `pipeline`. Resolves one
   * result per item, or null when the connection went away (nothing known).
   * A call the server refuses as a whole is sent again by `pipeline`, and
   * `onRefused` hears why, once.
   */
  async send(
    conn: RedisConnection,
    size: number,
    args: () => { keys: readonly string[]; args: readonly (string | number)[] },
    pipeline: () => Promise<ItemResult[] | null>,
    onRefused: (why: string) => void,
  ): Promise<ItemResult[] | null> {
    if (!this.usable(conn, size)) return pipeline();
    const call = args();
    try {
      return itemResults(size, await this.call(conn, call.keys, call.args));
    } catch (err) {
      const why = scriptRefusal(err);
      if (why === undefined) {
        // Any other reply error is the whole batch's (e.g. OOM): as a pipeline would have it, item by item.
        if (err instanceof Error && err.name === 'ReplyError') return Array.from({ length: size }, (): ItemResult => [err, null]);
        return null;
      }
      this.refused = why;
      onRefused(why);
      return pipeline();
    }
  }

  async call(conn: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await conn.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return conn.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
