/**
 * A service: a client that announces its name and commands in the service
 * registry, and keeps that entry alive with a heartbeat. Stop it with
 * `close()` and the entry goes at once; kill it and the entry expires after
 * its TTL. A command only starts answering once the registry lists it, so
 * the help service never calls a command unknown while its owner answers it.
 *
 * Replicas (several processes with the same name) share the events by
 * default: they read the `in` stream through a consumer group named after
 * the service, so each event is handled by one live replica, and a service
 * that was down catches up on what it missed (see groupReader.ts).
 * `consumerGroup: false` makes every replica see every event on pub/sub.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, Env, integer, read, Setting, bool, createRedis, type RedisConnection } from '@zenrelay/runtime';
import { isServiceName, REGISTRY_VERSION, ServiceRecord } from '@zenrelay/protocol';
import { CommandEntry, ConnectOptions, ZenClient } from './client';
import { GroupReader } from './groupReader';
import { ServiceRegistry } from './registry';

export interface ServiceOptions extends ConnectOptions {
  /** Service name, shown by `!services`: letters, digits, `_`, `.`, `-`. */
  name: string;
  /** One line about what it does. */
  description?: string;
  /** How often the registry entry is refreshed; default ZEN_SERVICE_HEARTBEAT_MS or 10000. */
  heartbeatMs?: number;
  /** How long the entry outlives the last heartbeat; default ZEN_SERVICE_TTL_MS or 30000. */
  ttlMs?: number;
  /**
   * On SIGINT (Ctrl-C) and SIGTERM, close the service (its registry entry goes
   * at once) and, when nothing else listens for the signal, exit. Default
   * true; a program with its own signal handling keeps it and just exits
   * after its own cleanup, or sets false and calls `close()` itself.
   */
  stopOnSignals?: boolean;
  /**
   * Share events with the other replicas of this service through a consumer
   * group on the `in` stream (default, ZEN_SERVICE_CONSUMER_GROUP). `false`:
   * this replica sees every event on pub/sub, like a plain client.
   */
  consumerGroup?: boolean;
  /** Events older than this are not handled when catching up; default ZEN_CATCHUP_MAX_AGE_SECONDS or 120. */
  catchupMaxAgeSeconds?: number;
  /** How long a dead replica's unfinished events wait before another replica takes them; default ZEN_CLAIM_IDLE_MS or 15000. */
  claimIdleMs?: number;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export const serviceSettings = {
  heartbeatMs: {
    variable: 'ZEN_SERVICE_HEARTBEAT_MS',
    default: '10000',
    description: 'How often a service refreshes its registry entry',
    parse: integer(50, 3_600_000),
  } satisfies Setting<number>,
  ttlMs: {
    variable: 'ZEN_SERVICE_TTL_MS',
    default: '30000',
    description: 'How long a registry entry outlives its last refresh (a killed service disappears after this)',
    parse: integer(100, 86_400_000),
  } satisfies Setting<number>,
  consumerGroup: {
    variable: 'ZEN_SERVICE_CONSUMER_GROUP',
    default: 'true',
    description: 'Replicas of a service share the events through a consumer group on the `in` stream; `false` = every replica sees every event (pub/sub)',
    parse: bool,
  } satisfies Setting<boolean>,
  catchupMaxAgeSeconds: {
    variable: 'ZEN_CATCHUP_MAX_AGE_SECONDS',
    default: '120',
    description: 'A service that was down handles the events it missed if they are at most this old; older ones are skipped',
    parse: integer(1, 31_536_000),
  } satisfies Setting<number>,
  claimIdleMs: {
    variable: 'ZEN_CLAIM_IDLE_MS',
    default: '15000',
    description: 'How long events a replica read but did not finish (it died) wait before another replica takes them over',
    parse: integer(50, 86_400_000),
  } satisfies Setting<number>,
};

interface GroupSettings {
  enabled: boolean;
  maxAgeMs: number;
  claimIdleMs: number;
}

function groupSettings(options: ServiceOptions): GroupSettings {
  const env: Env = options.env ?? process.env;
  return {
    enabled: options.consumerGroup ?? read(env, serviceSettings.consumerGroup),
    maxAgeMs: 1000 * (options.catchupMaxAgeSeconds ?? read(env, serviceSettings.catchupMaxAgeSeconds)),
    claimIdleMs: options.claimIdleMs ?? read(env, serviceSettings.claimIdleMs),
  };
}

function timing(options: ServiceOptions): { heartbeatMs: number; ttlMs: number } {
  const env: Env = options.env ?? process.env;
  const heartbeatMs = options.heartbeatMs ?? read(env, serviceSettings.heartbeatMs);
  const ttlMs = options.ttlMs ?? read(env, serviceSettings.ttlMs);
  if (ttlMs <= heartbeatMs) {
    const message = `must be longer than the heartbeat (${heartbeatMs} ms), or the entry expires between refreshes; 3x the heartbeat is a good choice`;
    if (options.ttlMs !== undefined) throw new Error(`ttlMs ${message}`);
    throw new ConfigError(serviceSettings.ttlMs.variable, message);
  }
  return { heartbeatMs, ttlMs };
}

export class ZenService extends ZenClient {
  readonly description: string;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  readonly registry: ServiceRegistry;
  /** This replica's id: the consumer name in the group and the last part of its replica key. */
  readonly instance = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly group: Readonly<GroupSettings>;
  private reader: GroupReader | undefined;
  private readerConn: RedisConnection | undefined;
  private readonly startedAt = new Date().toISOString();
  private heartbeat: NodeJS.Timeout | undefined;
  private announcing: Promise<void> = Promise.resolve();
  private started = false;
  private lastAnnounceError: Error | undefined;
  private announcedCommands: string | undefined;
  private readonly stopOnSignals: boolean;
  private signalled = false;

  constructor(options: ServiceOptions) {
    if (!isServiceName(options.name)) {
      throw new Error(`service name ${JSON.stringify(options.name)} is not valid: use 1-64 letters, digits, '_', '.' or '-'`);
    }
    const { heartbeatMs, ttlMs } = timing(options);
    const group = groupSettings(options);
    super(options);
    this.group = group;
    this.description = options.description ?? '';
    this.heartbeatMs = heartbeatMs;
    this.ttlMs = ttlMs;
    this.stopOnSignals = options.stopOnSignals ?? true;
    this.registry = new ServiceRegistry(this.pub, this.names, (key, reason) =>
      this.logger.warn({ key, reason }, 'skipping an invalid service registry entry'),
    );
  }

  /** Connects, writes the registry entry, starts the heartbeat. `createService()` calls this. */
  override async start(): Promise<void> {
    await super.start();
    this.started = true;
    await this.announce();
    this.heartbeat = setInterval(() => void this.announce(), this.heartbeatMs);
    this.heartbeat.unref();
    // Redis restarted (keys gone): announce again as soon as it is back.
    this.pub.on('ready', () => void this.announce());
    if (this.stopOnSignals) for (const signal of STOP_SIGNALS) process.on(signal, this.onSignal);
    // Read the group once the caller has added its commands (right after `await createService()`),
    // so events missed while down are not read before anything can answer them.
    const reader = this.reader;
    if (reader) {
      setTimeout(() => {
        if (this.started) reader.start().catch((err: Error) => this.logger.error({ err: err.message }, 'could not read the in stream'));
      }, 0);
    }
  }

  /** SIGINT/SIGTERM: close now; exit too when this is the only listener (a second signal exits at once). */
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const alone = process.listenerCount(signal) === 1;
    if (this.signalled) {
      if (alone) process.exit(1);
      return;
    }
    this.signalled = true;
    this.logger.info({ signal, service: this.name }, 'signal received; closing the service');
    this.close().then(
      () => alone && process.exit(0),
      (err: Error) => {
        this.logger.error({ err: err.message }, 'closing the service failed');
        if (alone) process.exit(1);
      },
    );
  };

  /**
   * Resolves once every command added so far is in the registry and answering.
   * Rejects, saying why, when the registry could not be written.
   */
  async ready(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.announcing;
      await current;
    } while (current !== this.announcing);
    const pending = [...this.commandTable.values()].filter((e) => !e.live).map((e) => e.info.name);
    if (pending.length > 0) {
      const why = this.lastAnnounceError ? `: ${this.lastAnnounceError.message}` : ' (the service is not started or is closing)';
      throw new Error(`commands ${pending.join(', ')} are not registered yet${why}`);
    }
  }

  /** Every live service (this one included), from the registry. */
  services(): Promise<ServiceRecord[]> {
    return this.registry.list();
  }

  /** This service's registry record, as written. */
  record(): ServiceRecord {
    return {
      version: REGISTRY_VERSION,
      name: this.name,
      description: this.description,
      commands: this.commands(),
      pid: process.pid,
      host: hostname(),
      started: this.startedAt,
    };
  }

  /** Replicas sharing work read the `in` stream through the group; otherwise pub/sub like any client. */
  protected override async startEvents(): Promise<void> {
    if (!this.group.enabled) return super.startEvents();
    this.readerConn = createRedis(this.redis, { lazyConnect: true, connectionName: `${this.name}-reader` });
    this.readerConn.on('error', (err: Error) => this.logger.warn({ role: 'stream reader', err: err.message }, 'Redis error'));
    await this.readerConn.connect();
    this.reader = new GroupReader(
      this.readerConn,
      this.pub,
      { stream: this.names.inStream, group: this.name, consumer: this.instance, maxAgeMs: this.group.maxAgeMs, claimIdleMs: this.group.claimIdleMs },
      async (payload) => {
        await this.announcing; // commands added since the last registry write are live first
        return this.deliver(payload);
      },
      this.logger,
    );
    await this.reader.prepare();
    this.logger.debug({ stream: this.names.inStream, group: this.name, consumer: this.instance }, 'reading the in stream');
  }

  protected override commandAdded(entry: CommandEntry): void {
    entry.live = false;
    if (this.started) void this.announce();
  }

  protected override async shutdown(): Promise<void> {
    this.started = false;
    if (!this.signalled) for (const signal of STOP_SIGNALS) process.off(signal, this.onSignal);
    if (this.heartbeat) clearInterval(this.heartbeat);
    // Finish (and acknowledge) the events in hand while the commands still answer.
    await this.reader?.stop();
    this.readerConn?.disconnect();
    for (const entry of this.commandTable.values()) entry.live = false;
    await this.announcing;
    try {
      await this.registry.removeReplica(this.name, this.instance);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, `could not remove the registry entry; it expires in ${this.ttlMs} ms`);
    }
    await super.shutdown();
  }

  /** Writes the registry entry now (queued behind any write in progress). */
  private announce(): Promise<void> {
    this.announcing = this.announcing.then(() => this.writeRecord());
    return this.announcing;
  }

  private async writeRecord(): Promise<void> {
    if (!this.started) return;
    const included = [...this.commandTable.values()];
    try {
      await this.registry.announceReplica(this.record(), this.instance, this.ttlMs);
      this.lastAnnounceError = undefined;
      if (this.started) for (const entry of included) entry.live = true;
      const commands = included.map((e) => e.info.name).join(', ');
      if (commands !== this.announcedCommands) {
        this.announcedCommands = commands;
        // The first write usually comes before the commands are added: not worth an info line.
        if (commands === '') this.logger.debug({ service: this.name }, 'service registered, no commands yet');
        else this.logger.info({ service: this.name, commands }, 'service registered');
      }
    } catch (err) {
      this.lastAnnounceError = err as Error;
      this.logger.warn({ err: (err as Error).message }, 'could not write the registry entry; retrying at the next heartbeat');
    }
  }
}

/**
 * A connected, registered service:
 *
 *     const bot = await createService({ name: 'hello', description: 'greets' });
 *     bot.command('woot', (c) => c.reply('Indeed!'), { help: 'agrees' });
 */
export async function createService(options: ServiceOptions): Promise<ZenService> {
  const service = new ZenService(options);
  await service.start();
  return service;
}
