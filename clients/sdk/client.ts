/**
 * The SDK client: one Redis connection subscribed to `in`, one publishing on
 * `out`. Receive with `on(type, handler)` (any number of handlers per type)
 * and `command(name, handler)`; send with `say`, `action`, `notice` and
 * `reply`. Handlers that throw or reject are caught, logged and reported on
 * the errors channel; the client keeps running.
 */
import {
  commandPrefixSetting,
  connectWaiting,
  createLogger,
  createRedis,
  describeTarget,
  Env,
  isCluster,
  loadBusConfig,
  Logger,
  RateLimitedLog,
  read,
  RedisConnectionLog,
  subscribeKept,
  type RedisConnection,
  type RedisTarget,
} from '@zenrelay/runtime';
import {
  busNames,
  BusNames,
  CommandInfo,
  envelope,
  ErrorEvent,
  INBOUND_TYPES,
  InboundEvent,
  InboundOf,
  InboundType,
  isChannelName,
  RpcHandler,
  SayType,
} from '@zenrelay/protocol';
import { commandName, parseCommand } from './commands';
import { decodeInbound } from './inbound';
import { RequestOptions, RpcPeer } from './rpc';
import { Recipients, SendError, sayPayload } from './send';

export interface ConnectOptions {
  /**
   * Redis URL; default REDIS_URL from `env`, as the bot reads it. REDIS_SENTINELS
   * or REDIS_CLUSTER_NODES in `env` still win over its host (see the README).
   */
  redisUrl?: string;
  /** Namespace; default ZEN_NAMESPACE from `env`, as the bot reads it. */
  namespace?: string;
  /** Where settings are read from; default `process.env`. */
  env?: Env;
  /** Label in logs and error reports; a service's name. Default `zen-client`. */
  name?: string;
  logger?: Logger;
  /** The bot's command prefix, to show usage (`!woot`); default ZEN_COMMAND_PREFIX or `!`. */
  commandPrefix?: string;
  /**
   * What a user is told when a command handler fails; `{command}` is replaced
   * by the command as typed. `false` says nothing. The error itself is logged,
   * never shown on IRC.
   */
  commandErrorReply?: string | false;
  /** How long `close()` waits for running handlers. Default 5000 ms. */
  closeTimeoutMs?: number;
}

/** A message event that can be answered: `reply` sends to its channel, or to the sender in a private message. */
export type ReplyableEvent = InboundOf<'privmsg'> | InboundOf<'privmsg_action'> | InboundOf<'directed_privmsg'>;

export type EventHandler<T extends InboundType> = (event: InboundOf<T>) => unknown;

/** What a command handler gets. */
export interface CommandContext {
  /** The `directed_privmsg` event the command came in. */
  readonly event: InboundOf<'directed_privmsg'>;
  /** Command name as registered (lower case). */
  readonly name: string;
  /** Everything after the name, trimmed. */
  readonly args: string;
  /** The arguments split on whitespace, quotes respected. */
  readonly argv: string[];
  readonly sender: string;
  /** Where it was said: a channel, or the sender's nick for a private message. */
  readonly channel: string;
  readonly isPrivate: boolean;
  /** Whether the bot says the sender is an admin (ZEN_ADMINS); false from a bot that does not say. */
  readonly admin: boolean;
  /** The sender's services account, when the server vouched for it. */
  readonly account: string | undefined;
  readonly client: ZenClient;
  /** Answers where the command was said. */
  reply(text: string): Promise<number>;
  /** Answers the sender in a private message. */
  replyPrivately(text: string): Promise<number>;
}

export type CommandHandler = (ctx: CommandContext) => unknown;

export interface CommandOptions {
  /** How to call it, e.g. `!weather <city>`; default `!<name>`. */
  usage?: string;
  /** What it does, in one line (shown by `!help`). */
  help?: string;
  /**
   * Only for admins (ZEN_ADMINS, as the bot's `admin` field says): anyone
   * else gets one short refusal (at most one per sender a minute) and the
   * handler is not called.
   */
  admin?: boolean;
}

/** A registered command. `live` is false until the service registry lists it. */
export interface CommandEntry {
  info: Required<CommandInfo>;
  handler: CommandHandler;
  live: boolean;
  /** Only admins may run it. */
  admin: boolean;
}

interface Settings {
  redis: RedisTarget;
  names: BusNames;
  name: string;
  logger: Logger;
  commandPrefix: string;
  commandErrorReply: string | false;
  closeTimeoutMs: number;
}

const DEFAULT_ERROR_REPLY = 'Sorry, {command} failed (the service logged the error).';
/** Shortest time between two "admins only" refusals to one sender. */
const REFUSAL_EVERY_MS = 60_000;
/** Senders remembered for that (the oldest are forgotten first). */
const REFUSALS_KEPT = 1000;
const PREVIEW_CHARS = 200;

/** Reads REDIS_URL, ZEN_NAMESPACE and ZEN_COMMAND_PREFIX like the bot does; options win. */
function resolveSettings(options: ConnectOptions): Settings {
  const env: Env = { ...(options.env ?? process.env) };
  if (options.redisUrl !== undefined) env.REDIS_URL = options.redisUrl;
  if (options.namespace !== undefined) env.ZEN_NAMESPACE = options.namespace;
  if (options.commandPrefix !== undefined) env.ZEN_COMMAND_PREFIX = options.commandPrefix;
  const bus = loadBusConfig(env);
  const name = options.name ?? 'zen-client';
  return {
    redis: bus.redis,
    names: busNames(bus.namespace, { hashTags: isCluster(bus.redis) }),
    name,
    logger: options.logger ?? createLogger(env.LOG_LEVEL ?? 'info', name),
    commandPrefix: read(env, commandPrefixSetting),
    commandErrorReply: options.commandErrorReply ?? DEFAULT_ERROR_REPLY,
    closeTimeoutMs: options.closeTimeoutMs ?? 5000,
  };
}

export class ZenClient {
  readonly names: BusNames;
  readonly logger: Logger;
  readonly name: string;
  readonly commandPrefix: string;
  /** Where Redis is: a server, a Sentinel primary or a Cluster. */
  readonly redis: RedisTarget;
  protected readonly sub: RedisConnection;
  protected readonly pub: RedisConnection;
  protected readonly commandTable = new Map<string, CommandEntry>();
  protected readonly rpc: RpcPeer;
  private readonly handlers = new Map<InboundType, Array<(event: InboundEvent) => unknown>>();
  private readonly running = new Set<Promise<void>>();
  private readonly badInput: RateLimitedLog;
  private readonly commandErrorReply: string | false;
  private readonly closeTimeoutMs: number;
  private accepting = true;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly redisLog: RedisConnectionLog;
  /** When each sender (lowercased nick) was last told a command is for admins. */
  private readonly refused = new Map<string, number>();

  constructor(options: ConnectOptions = {}) {
    const settings = resolveSettings(options);
    this.names = settings.names;
    this.logger = settings.logger;
    this.name = settings.name;
    this.commandPrefix = settings.commandPrefix;
    this.redis = settings.redis;
    this.commandErrorReply = settings.commandErrorReply;
    this.closeTimeoutMs = settings.closeTimeoutMs;
    this.badInput = new RateLimitedLog(this.logger);
    // A short disconnectTimeout: ioredis's disconnect() of a connection that is down waits that long for a
    // 'close' its socket already emitted, so close() while Redis is down would hold the process 2 s.
    const common = { lazyConnect: true, connectionName: this.name, disconnectTimeout: 200 };
    this.sub = createRedis(settings.redis, common);
    this.pub = createRedis(settings.redis, common);
    // One "waiting for Redis" line, the cause once, then summaries: not one warning per retry.
    this.redisLog = new RedisConnectionLog(this.logger, settings.redis);
    this.redisLog.watch(this.pub);
    this.sub.on('error', () => undefined);
    this.rpc = new RpcPeer(this.sub, this.pub, this.names, this.logger);
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === this.names.in) void this.deliver(message);
      else this.rpc.onMessage(channel, message);
    });
  }

  /**
   * Connects and subscribes to `in`, waiting for Redis however long it takes
   * (like the bot; the log says so). `connect()` calls this for you.
   */
  async start(): Promise<void> {
    await connectWaiting([this.sub, this.pub], this.redisLog);
    await this.startEvents();
  }

  /** Starts receiving `in` events: a plain client subscribes to `in` (a service may read a consumer group instead). */
  protected async startEvents(): Promise<void> {
    await subscribeKept(this.sub, [this.names.in]);
    this.logger.debug({ channel: this.names.in }, 'subscribed');
  }

  /**
   * Calls `method` on whoever handles it (the bot answers `status`, `names`,
   * `whois`) and resolves with the result. Rejects with an RpcError: the
   * handler's `code` and `message`, `no_handler`, or `timeout` after
   * `options.timeout` ms (default 5000).
   */
  request(method: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<unknown> {
    return this.rpc.request(method, params, options);
  }

  /**
   * Answers requests for `method`: the handler's return value (or promise)
   * is the result; a thrown RpcError reaches the caller with its code, any
   * other error as `handler_failed`. `ctx.deadline` and `ctx.signal` say
   * when the caller stops waiting. Resolves once subscribed.
   */
  handle(method: string, handler: RpcHandler): Promise<() => Promise<void>> {
    return this.rpc.handle(method, handler);
  }

  /**
   * Calls `handler` for every `in` event of this type. Several handlers per
   * type are fine; they all run. Returns a function that removes the handler.
   */
  on<T extends InboundType>(type: T, handler: EventHandler<T>): () => void {
    if (!INBOUND_TYPES.includes(type)) {
      throw new Error(`unknown event type ${JSON.stringify(type)}; use one of ${INBOUND_TYPES.join(', ')}`);
    }
    const list = this.handlers.get(type) ?? [];
    const wrapped = handler as (event: InboundEvent) => unknown;
    list.push(wrapped);
    this.handlers.set(type, list);
    return () => {
      const at = list.indexOf(wrapped);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /**
   * Answers `!name args`, `<bot>: name args` and a private `name args`.
   * One handler per name in a client.
   */
  command(name: string, handler: CommandHandler, options: CommandOptions = {}): this {
    const key = commandName(name);
    if (this.commandTable.has(key)) {
      throw new Error(`command ${JSON.stringify(key)} is already registered in ${this.name}; register each command once`);
    }
    const entry: CommandEntry = {
      info: { name: key, usage: options.usage ?? `${this.commandPrefix}${key}`, help: options.help ?? '' },
      handler,
      live: true,
      admin: options.admin === true,
    };
    this.commandTable.set(key, entry);
    this.commandAdded(entry);
    return this;
  }

  /** The commands registered in this client. */
  commands(): Array<Required<CommandInfo>> {
    return [...this.commandTable.values()].map((e) => ({ ...e.info }));
  }

  say(to: Recipients, text: string): Promise<number> {
    return this.send('privmsg', to, text);
  }

  /** A /me action. */
  action(to: Recipients, text: string): Promise<number> {
    return this.send('privmsg_action', to, text);
  }

  notice(to: Recipients, text: string): Promise<number> {
    return this.send('notice', to, text);
  }

  /**
   * Answers where `event` was said: its channel, or the sender in a private
   * message, threaded to it (`reply_to` its msgid) where the server has ids.
   */
  reply(event: ReplyableEvent, text: string): Promise<number> {
    return this.send('privmsg', event.data.channel, text, event.data.msgid);
  }

  /** The bot's current nick (`zenircbot:nick`), or undefined when no bot is running. */
  async botNick(): Promise<string | undefined> {
    return (await this.pub.get(this.names.nickKey)) ?? undefined;
  }

  /** Stops taking events, waits (bounded) for running handlers, closes both connections. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Called when a command is added; a service delays `live` until the registry lists it. */
  protected commandAdded(entry: CommandEntry): void {
    entry.live = true;
  }

  protected async shutdown(): Promise<void> {
    this.accepting = false;
    this.rpc.close();
    await this.waitForHandlers();
    this.closed = true;
    await Promise.all([quit(this.sub), quit(this.pub)]);
  }

  /** Publishes a handler failure on the errors channel (best effort). */
  protected async reportError(code: string, reason: string, input: string): Promise<void> {
    const event: ErrorEvent = envelope('error', {
      code,
      reason,
      source: `service:${this.name}`,
      input: input.slice(0, PREVIEW_CHARS),
    });
    await this.pub.publish(this.names.errors, JSON.stringify(event));
  }

  private async send(type: SayType, to: Recipients, text: string, replyTo?: string): Promise<number> {
    const sent = this.publishOut(type, to, text, replyTo);
    sent.catch((err: Error) => this.logger.warn({ type, to, err: err.message }, 'send failed'));
    return sent;
  }

  private async publishOut(type: SayType, to: Recipients, text: string, replyTo?: string): Promise<number> {
    const payload = sayPayload(type, to, text, undefined, replyTo);
    if (this.closed) throw new SendError('closed', `${this.name} is closed; connect again to send`);
    try {
      return await this.pub.publish(this.names.out, payload);
    } catch (err) {
      throw new SendError('redis', `could not publish on ${this.names.out} at ${describeTarget(this.redis)}: ${(err as Error).message}`);
    }
  }

  /** Handles one `in` payload; resolves once every handler it started is done. */
  protected async deliver(payload: string): Promise<void> {
    if (!this.accepting) return;
    const decoded = decodeInbound(payload);
    if (decoded.kind === 'unknown_type') {
      this.logger.debug({ type: decoded.type }, 'ignoring an event type this SDK does not know');
      return;
    }
    if (decoded.kind === 'invalid') {
      this.badInput.warn({ reason: decoded.reason, input: payload.slice(0, PREVIEW_CHARS) }, `ignoring an invalid payload on ${this.names.in}`);
      return;
    }
    const event = decoded.event;
    const tasks: Array<Promise<void>> = [];
    for (const handler of [...(this.handlers.get(event.type) ?? [])]) {
      tasks.push(this.run(`on('${event.type}')`, () => handler(event), event));
    }
    if (event.type === 'directed_privmsg') {
      const task = this.dispatchCommand(event);
      if (task) tasks.push(task);
    }
    await Promise.all(tasks);
  }

  private dispatchCommand(event: InboundOf<'directed_privmsg'>): Promise<void> | undefined {
    const parsed = parseCommand(event.data.message, { prefix: this.commandPrefix });
    if (!parsed) return undefined;
    const entry = this.commandTable.get(parsed.name);
    if (!entry || !entry.live) return undefined;
    const ctx: CommandContext = {
      event,
      ...parsed,
      sender: event.data.sender,
      channel: event.data.channel,
      isPrivate: !isChannelName(event.data.channel),
      admin: event.data.admin === true,
      account: event.data.account,
      client: this,
      reply: (text) => this.reply(event, text),
      replyPrivately: (text) => this.say(event.data.sender, text),
    };
    if (entry.admin && !ctx.admin) return this.refuse(ctx, `${this.commandPrefix}${parsed.name}`);
    return this.run(`command '${parsed.name}'`, () => entry.handler(ctx), event, () => {
      if (this.commandErrorReply === false) return;
      const typed = `${this.commandPrefix}${parsed.name}`;
      void this.reply(event, this.commandErrorReply.split('{command}').join(typed)).catch(() => undefined);
    });
  }

  /** One short "admins only" to a non-admin, at most once a minute per sender. */
  private refuse(ctx: CommandContext, typed: string): Promise<void> | undefined {
    const key = ctx.sender.toLowerCase();
    const now = Date.now();
    const last = this.refused.get(key);
    this.logger.info({ command: typed, sender: ctx.sender, account: ctx.account }, 'refused an admin command to a non-admin');
    if (last !== undefined && now - last < REFUSAL_EVERY_MS) return undefined;
    this.refused.delete(key);
    this.refused.set(key, now);
    while (this.refused.size > REFUSALS_KEPT) this.refused.delete(this.refused.keys().next().value as string);
    return ctx.reply(`Sorry, ${typed} is for admins only.`).then(
      () => undefined,
      () => undefined,
    );
  }

  private run(label: string, handler: () => unknown, event: InboundEvent, onFailure?: () => void): Promise<void> {
    const task = (async () => {
      await handler();
    })().catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.error({ handler: label, err: error, event }, `${label} failed: ${error.message}`);
      onFailure?.();
      const input = event.type === 'directed_privmsg' ? event.data.raw_message : JSON.stringify(event);
      this.reportError('handler_failed', `${label} in ${this.name} failed: ${error.message}`, input).catch((reportErr: Error) =>
        this.logger.warn({ err: reportErr.message }, 'could not report the failure on the errors channel'),
      );
    });
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
    return task;
  }

  private async waitForHandlers(): Promise<void> {
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs)));
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
    if (this.running.size > 0) this.logger.warn({ running: this.running.size }, 'closing with handlers still running');
  }
}

/** Quits politely, or drops the connection when Redis does not answer within a second. */
async function quit(conn: RedisConnection): Promise<void> {
  if (conn.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
  await Promise.race([conn.quit().then(() => undefined, () => undefined), timeout]);
  clearTimeout(timer);
  conn.disconnect();
}

/** A connected client: `const zen = await connect(); zen.on('privmsg', …)`. */
export async function connect(options: ConnectOptions = {}): Promise<ZenClient> {
  const client = new ZenClient(options);
  await client.start();
  return client;
}
