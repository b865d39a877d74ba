import { busNames, envelope, ErrorEvent, InboundEvent, parseOutbound, Rejection } from '../clients/protocol';
import { isCluster } from '../clients/redis';
import { commandLines } from './commandLines';
import { createNoticeConsumer, NoticeConsumer } from './durable';
import type { BotConfig } from './config';
import { InboundEvents } from './irc/inboundEvents';
import { IrcConnection, IrcConnectionOptions } from './irc/ircConnection';
import { Logger, RateLimitedLog } from './log';
import { BotMetrics } from './metrics';
import { SendQueue } from './outbound/sendQueue';
import { RedisBus } from './redis/redisBus';
import { VERSION } from './version';

/**
 * The bot: IRC events go to `in`, commands from `out` go to IRC through the
 * send queue. This file only wires the parts together; each part lives in its
 * own module.
 */

/** Knobs tests turn; production uses the defaults. */
export interface BridgeTuning {
  nickRegainMs?: number;
  joinTimeoutMs?: number;
  rejoinDelayMs?: number;
  random?: () => number;
}

export interface BridgeStatus {
  redis: boolean;
  ircRegistered: boolean;
  ircReady: boolean;
  nick: string;
  channels: string[];
  wantedChannels: string[];
  queueDepth: number;
}

const INPUT_PREVIEW_CHARS = 200;
/** Longest wait for the notices reader to stop at shutdown (it can hang while Redis is down). */
const NOTICES_STOP_MS = 3000;

export class Bridge {
  readonly metrics = new BotMetrics();
  readonly irc: IrcConnection;
  private readonly bus: RedisBus;
  private readonly queue: SendQueue;
  private readonly inbound: InboundEvents;
  private readonly notices: NoticeConsumer;
  private readonly badInputLog: RateLimitedLog;
  private readonly names;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: BotConfig,
    private readonly log: Logger,
    tuning: BridgeTuning = {},
  ) {
    this.names = busNames(config.namespace, { hashTags: isCluster(config.redis) });
    this.badInputLog = new RateLimitedLog(log);
    this.bus = new RedisBus({ target: config.redis, names: this.names, inBufferMax: config.inBufferMax }, log, this.metrics);
    this.queue = new SendQueue({ burst: config.sendBurst, ratePerSecond: config.sendRate, maxLines: config.queueMaxLines });
    this.irc = new IrcConnection(ircOptions(config, tuning), log, tuning.random);
    this.notices = createNoticeConsumer(config, this.names, this.irc, this.queue, log, this.metrics);
    this.inbound = new InboundEvents({
      botNick: () => this.irc.nick,
      commandPrefix: config.commandPrefix,
      directed: config.directed,
      version: `zenrelay ${VERSION}`,
      publish: (event) => this.publishIn(event),
      ctcpReply: (nick, text) => this.queue.enqueue([{ key: nick.toLowerCase(), line: `NOTICE ${nick} :${text}` }]),
    });
    this.wire();
  }

  /** Connects to Redis (waits for it), then starts connecting to IRC (does not wait). */
  async start(): Promise<void> {
    await this.bus.start((payload, channel) => this.onOut(payload, channel));
    await this.notices.start();
    this.irc.start();
  }

  status(): BridgeStatus {
    return {
      redis: this.bus.connected,
      ircRegistered: this.irc.isRegistered,
      ircReady: this.irc.isReady,
      nick: this.irc.nick,
      channels: this.irc.channels,
      wantedChannels: this.irc.wantedChannels,
      queueDepth: this.queue.depth,
    };
  }

  /**
   * Graceful stop: take no more commands, let the send queue drain (bounded by
   * ZEN_SHUTDOWN_TIMEOUT_MS), QUIT, flush `in`, close Redis.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.log.info({ queued: this.queue.depth }, 'shutting down');
    await this.bus.unsubscribe();
    if (!(await settlesWithin(this.notices.stopReading(), NOTICES_STOP_MS))) {
      this.log.warn({ waitedMs: NOTICES_STOP_MS }, 'the durable notices reader did not stop (Redis down?); shutting down anyway');
    }
    if (this.queue.depth > 0) {
      const drained = await this.queue.drain(this.config.shutdownTimeoutMs);
      if (!drained) this.log.warn({ unsent: this.queue.depth }, 'send queue not drained before the shutdown timeout');
    }
    this.queue.close();
    await this.notices.close();
    await this.irc.stop('zenrelay shutting down');
    await this.bus.stop();
    this.log.info('stopped');
  }

  private wire(): void {
    const { irc, queue, metrics } = this;
    irc.on('client', (client) => this.inbound.attach(client));
    irc.on('registered', ({ nick }) => {
      metrics.ircRegistered.set(1);
      this.bus.setNick(nick);
    });
    irc.on('nick', ({ new: nick }) => this.bus.setNick(nick));
    irc.on('ready', ({ nick, channels }) => {
      queue.setWriter((line) => irc.writeLine(line));
      this.publishIn(envelope('connected', { server: this.config.ircHost, channels, nick }));
    });
    irc.on('disconnected', () => {
      metrics.ircRegistered.set(0);
      queue.setWriter(null);
    });
    irc.on('reconnecting', () => metrics.ircReconnects.inc());
    irc.on('ownLine', () => queue.charge(1));
    queue.on('written', ({ line, waitedMs }) => {
      metrics.linesOut.inc({ command: line.slice(0, line.indexOf(' ')) });
      metrics.sendDelay.observe(waitedMs / 1000);
      metrics.queueDepth.set(queue.depth);
    });
  }

  private publishIn(event: InboundEvent): void {
    this.metrics.inEvents.inc({ type: event.type });
    this.bus.publishIn(event);
  }

  private onOut(payload: Buffer, channel: string): void {
    if (this.stopping) return;
    const parsed = parseOutbound(payload, { maxBytes: this.config.maxPayloadBytes });
    if (!parsed.ok) return this.reject(parsed.rejection, payload, channel);
    const result = commandLines(parsed.command, { identity: this.irc.identity, rawAllow: this.config.rawAllow });
    if (!result.ok) return this.reject(result.rejection, payload, channel);
    if (!this.queue.enqueue(result.lines)) {
      const rejection: Rejection = { code: 'queue_full', reason: `the send queue holds ${this.queue.depth} lines (ZEN_QUEUE_MAX_LINES); try again later` };
      if (parsed.command.kind === 'say' && parsed.command.id !== undefined) rejection.id = parsed.command.id;
      return this.reject(rejection, payload, channel);
    }
    this.metrics.outCommands.inc({ type: parsed.command.kind === 'say' ? parsed.command.type : 'raw' });
    this.metrics.queueDepth.set(this.queue.depth);
  }

  private reject(rejection: Rejection, payload: Buffer, source: string): void {
    const input = payload.subarray(0, INPUT_PREVIEW_CHARS * 4).toString('utf8').slice(0, INPUT_PREVIEW_CHARS);
    const data: ErrorEvent['data'] = { code: rejection.code, reason: rejection.reason, source, input };
    if (rejection.id !== undefined) data.id = rejection.id;
    this.metrics.rejected.inc({ code: rejection.code });
    this.badInputLog.warn({ code: rejection.code, reason: rejection.reason, source }, 'rejected a payload from out');
    this.bus.publishError(envelope('error', data));
  }
}

/** Whether `promise` settles (either way) within `ms`; a shutdown step must not hold the process forever. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function ircOptions(config: BotConfig, tuning: BridgeTuning): IrcConnectionOptions {
  return {
    host: config.ircHost,
    port: config.ircPort,
    tls: config.ircTls,
    tlsVerify: config.ircTlsVerify,
    nick: config.ircNick,
    username: config.ircUsername,
    realname: config.ircRealname,
    password: config.ircPassword,
    sasl: config.saslAccount && config.saslPassword ? { account: config.saslAccount, password: config.saslPassword } : undefined,
    channels: config.ircChannels,
    reconnectMinMs: config.reconnectMinMs,
    reconnectMaxMs: config.reconnectMaxMs,
    pingTimeoutSeconds: config.pingTimeoutSeconds,
    nickRegainMs: tuning.nickRegainMs,
    joinTimeoutMs: tuning.joinTimeoutMs,
    rejoinDelayMs: tuning.rejoinDelayMs,
  };
}
