/**
 * A whole zenrelay stack for one integration test file: a real redis-server,
 * a real IRC server (ngircd by default, InspIRCd on request), the bridge
 * running in-process, and a probe on Redis that records everything on `in`
 * and on the errors channel and publishes on `out`.
 */
import { Redis } from 'ioredis';
import { Bridge, BridgeTuning } from '../../bot/bridge';
import { BotConfig, loadBotConfig } from '../../bot/config';
import { createLogger } from '@zenrelay/runtime';
import { busNames, BusNames, ErrorEvent, InboundEvent, InboundOf, InboundType } from '@zenrelay/protocol';
import { IrcServer, RedisServer, startInspircd, startNgircd, startRedis, StartInspircdOptions, waitUntil } from '../harness';
import { InEventCheck } from './schemaCheck';
import { startTcpGate, TcpGate } from './tcpGate';

export interface StackOptions {
  /** Extra environment for the bot (IRC_HOST, IRC_PORT and REDIS_URL are filled in). */
  env?: Record<string, string>;
  irc?: 'ngircd' | 'inspircd';
  inspircd?: StartInspircdOptions;
  ngircdNoPenalty?: boolean;
  redisPersistence?: 'none' | 'aof';
  tuning?: BridgeTuning;
  /** Start the bridge right away and wait until it is ready on IRC (default true). */
  startBridge?: boolean;
  /**
   * Put a TCP gate (test/support/tcpGate.ts) between the bridge and the IRC
   * server and/or Redis, so a test decides when the bridge gets back in after
   * an outage. Users and the probe connect to the servers directly.
   */
  gates?: { irc?: boolean; redis?: boolean };
}

export interface Stack {
  redis: RedisServer;
  irc: IrcServer;
  names: BusNames;
  probe: BusProbe;
  config: BotConfig;
  bridge: Bridge | undefined;
  /** Gate between the bridge and the IRC server (with `gates.irc`). */
  ircGate?: TcpGate;
  /** Gate between the bridge and Redis (with `gates.redis`). */
  redisGate?: TcpGate;
  /**
   * Starts (another) bridge with the stack's config, plus `env` on top when
   * given (then `config` becomes that config), and waits until it is ready.
   * `tuning` goes on top of the stack's tuning for this bridge only.
   */
  startBridge(env?: Record<string, string>, tuning?: BridgeTuning): Promise<Bridge>;
  stopBridge(): Promise<void>;
  stop(): Promise<void>;
}

const LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redis = await startRedis({ persistence: options.redisPersistence ?? 'none' });
  const irc = options.irc === 'inspircd' ? await startInspircd(options.inspircd ?? {}) : await startNgircd({ noPenalty: options.ngircdNoPenalty });
  const ircGate = options.gates?.irc ? await startTcpGate(irc.port) : undefined;
  const redisGate = options.gates?.redis ? await startTcpGate(redis.port) : undefined;
  const baseEnv: Record<string, string> = {
    IRC_HOST: irc.host,
    IRC_PORT: String(ircGate?.port ?? irc.port),
    REDIS_URL: redisGate ? `redis://127.0.0.1:${redisGate.port}` : redis.url,
    IRC_NICK: 'zenbot',
    IRC_CHANNELS: '#test',
    IRC_RECONNECT_MIN_MS: '200',
    IRC_RECONNECT_MAX_MS: '2000',
    LOG_LEVEL,
    // Tests send commands faster than people do; the limits have their own tests (commandGuard.test.ts).
    ZEN_COMMAND_RATE: '0',
    ZEN_CHANNEL_COMMAND_RATE: '0',
    ...options.env,
  };
  const config = loadBotConfig(baseEnv);
  const names = busNames(config.namespace);
  const probe = await BusProbe.connect(redis.url, names);
  const stack: Stack = {
    redis,
    irc,
    names,
    probe,
    config,
    bridge: undefined,
    ircGate,
    redisGate,
    async startBridge(env?: Record<string, string>, tuning?: BridgeTuning) {
      if (env !== undefined) stack.config = loadBotConfig({ ...baseEnv, ...env });
      const bridge = new Bridge(stack.config, createLogger(LOG_LEVEL, 'test-bot'), { nickRegainMs: 1000, joinTimeoutMs: 3000, rejoinDelayMs: 300, ...options.tuning, ...tuning });
      stack.bridge = bridge;
      await bridge.start();
      await waitUntil(() => bridge.status().ircReady, 20000, 'the bridge to be registered and joined on IRC');
      return bridge;
    },
    async stopBridge() {
      const bridge = stack.bridge;
      stack.bridge = undefined;
      await bridge?.stop();
    },
    async stop() {
      await stack.stopBridge().catch(() => undefined);
      await probe.close();
      await ircGate?.stop();
      await redisGate?.stop();
      await irc.stop();
      await redis.stop();
      // Every event the bot published on `in` matched the committed JSON Schema.
      probe.schema.assertAllValid();
    },
  };
  if (options.startBridge !== false) await stack.startBridge();
  return stack;
}

/**
 * Records `in` and errors; publishes on `out`. Every `in` payload it did not
 * publish itself (publishIn) is checked against the committed JSON Schema;
 * `schema.assertAllValid()` (run by stack.stop()) fails on any invalid one.
 */
export class BusProbe {
  readonly events: InboundEvent[] = [];
  readonly errors: ErrorEvent[] = [];
  /** Anything on `in` that did not parse as JSON (must stay empty). */
  readonly garbage: string[] = [];
  readonly schema = new InEventCheck();
  /** Payloads the test itself published on `in`, not yet seen back (payload -> count). */
  private readonly ownInPayloads = new Map<string, number>();

  private constructor(
    private readonly sub: Redis,
    readonly pub: Redis,
    readonly names: BusNames,
  ) {}

  static async connect(url: string, names: BusNames): Promise<BusProbe> {
    const sub = new Redis(url, { lazyConnect: true });
    const pub = new Redis(url, { lazyConnect: true });
    await Promise.all([sub.connect(), pub.connect()]);
    const probe = new BusProbe(sub, pub, names);
    sub.on('message', (channel: string, message: string) => probe.record(channel, message));
    await sub.subscribe(names.in, names.errors);
    return probe;
  }

  private record(channel: string, message: string): void {
    if (channel === this.names.in && !this.takeOwn(message)) this.schema.check(message);
    let value: unknown;
    try {
      value = JSON.parse(message);
    } catch {
      this.garbage.push(message);
      return;
    }
    if (channel === this.names.errors) this.errors.push(value as ErrorEvent);
    else this.events.push(value as InboundEvent);
  }

  /** Publishes an envelope (object), or a raw string/Buffer as is, on `out`. */
  async publish(payload: unknown): Promise<number> {
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    return this.pub.publish(this.names.out, body);
  }

  /**
   * Publishes a payload on `in` as the test (e.g. junk for the services): it
   * is recorded like any other but not schema-checked, as the bot did not publish it.
   */
  async publishIn(payload: string): Promise<number> {
    this.markOwnIn(payload);
    return this.pub.publish(this.names.in, payload);
  }

  /** Says that the test itself publishes `payload` on `in` (e.g. in its own pipeline): not schema-checked. */
  markOwnIn(payload: string): void {
    this.ownInPayloads.set(payload, (this.ownInPayloads.get(payload) ?? 0) + 1);
  }

  private takeOwn(payload: string): boolean {
    const count = this.ownInPayloads.get(payload);
    if (count === undefined) return false;
    if (count <= 1) this.ownInPayloads.delete(payload);
    else this.ownInPayloads.set(payload, count - 1);
    return true;
  }

  /** Publishes `{"version":1,"type":"privmsg","data":{"to":…,"message":…}}` on `out`. */
  say(to: string | string[], message: string): Promise<number> {
    return this.publish({ version: 1, type: 'privmsg', data: { to, message } });
  }

  of<T extends InboundType>(type: T): Array<InboundOf<T>> {
    return this.events.filter((e): e is InboundOf<T> => e.type === type);
  }

  async waitForEvent<T extends InboundType>(type: T, match: (data: InboundOf<T>['data']) => boolean = () => true, timeoutMs = 10000): Promise<InboundOf<T>> {
    let found: InboundOf<T> | undefined;
    await waitUntil(
      () => {
        found = this.of(type).find((e) => match(e.data as InboundOf<T>['data']));
        return found !== undefined;
      },
      timeoutMs,
      `an \`in\` event of type ${type}`,
    );
    return found as InboundOf<T>;
  }

  async waitForError(match: (data: ErrorEvent['data']) => boolean, timeoutMs = 10000): Promise<ErrorEvent> {
    let found: ErrorEvent | undefined;
    await waitUntil(
      () => {
        found = this.errors.find((e) => match(e.data));
        return found !== undefined;
      },
      timeoutMs,
      'an error event',
    );
    return found as ErrorEvent;
  }

  /** How many clients are subscribed to `channel` right now (PUBSUB NUMSUB), e.g. to see the bridge resubscribed. */
  async subscribers(channel: string): Promise<number> {
    const reply = (await this.pub.pubsub('NUMSUB', channel)) as Array<string | number>;
    return Number(reply[1] ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all([this.sub.quit(), this.pub.quit()].map((p) => p.catch(() => undefined)));
  }
}
