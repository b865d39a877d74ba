import { busNames, envelope, ErrorEvent, InboundEvent, parseOutbound, Rejection } from '@zenrelay/protocol';
import { commandLines, REPLY_TAG } from './commandLines';
import { createNoticeConsumer, NoticeConsumer } from './durable';
import { adminChannel, saslSettings, type BotConfig } from './config';
import { chooseMechanism } from './irc/sasl';
import { StsPolicies } from './irc/stsPolicies';
import { redisStsStore } from './redis/stsStore';
import { clientTagAllowed } from './delivery/clientTags';
import { DeliveryTracker } from './delivery/deliveryTracker';
import { parseIrcLine } from './delivery/ircLine';
import { InboundEvents } from './irc/inboundEvents';
import { standardReply, standardReplyError } from './irc/standardReplies';
import { IrcConnection, IrcConnectionOptions } from './irc/ircConnection';
import { isCluster, Logger, RateLimitedLog } from '@zenrelay/runtime';
import { BotMetrics } from './metrics';
import { SendQueue, RAW_KEY } from './outbound/sendQueue';
import { InStreamWriter } from './redis/inStream';
import { RedisBus } from './redis/redisBus';
import { DEFAULT_ANNOUNCE_MIN_INTERVAL_MS, ReturnAnnouncer, returnMessage } from './returnAnnouncer';
import { VERSION } from './version';
import { randomUUID } from 'node:crypto';
import type { Client } from 'irc-framework';
import { ChannelMembers } from './irc/channelMembers';
import { BotStatus, registerBotMethods } from './rpc/methods';
import { RpcServer } from './rpc/rpcServer';
import { WhoisLookup } from './rpc/whois';
import { registerAdminMethods } from './rpc/adminMethods';
import { AccountLookup } from './irc/accountLookup';
import { AccountCache } from './trust/accountCache';
import { trackAccounts } from './trust/accountTracking';
import { CommandGate } from './trust/commandGate';
import { CommandLimiter } from './trust/commandLimiter';
import { IgnoreList } from './trust/ignoreList';
import { IgnoreStore } from './trust/ignoreStore';

/** Settled once: `.then` on it schedules a microtask. */
const RESOLVED = Promise.resolve();

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
  /** How long NickServ has to confirm IDENTIFY when login is required (default 15 s). */
  identifyTimeoutMs?: number;
  /** Shortest time between two "back after …" announcements (default 10 min, or the threshold if longer). */
  announceMinIntervalMs?: number;
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
/** A server line that may be an IRCv3 standard reply (checked cheaply before parsing). */
const STANDARD_REPLY = /^(?:@\S+ +)?(?::\S+ +)?(?:FAIL|WARN|NOTE) /;
/** Longest wait for the notices reader to stop at shutdown (it can hang while Redis is down). */
const NOTICES_STOP_MS = 3000;
/** Longest wait for the server's answer to a `whois` request's WHOIS. */
const WHOIS_TIMEOUT_MS = 5000;
/** Longest wait for a WHOX/WHOIS answer naming a command sender's account. */
const ACCOUNT_LOOKUP_TIMEOUT_MS = 3000;
/** Longest wait for the server to confirm an admin request (JOIN, PART, NICK). */
const ADMIN_TIMEOUT_MS = 8000;
/** Shortest time between two "slow down" notices to one sender. */
const SLOW_DOWN_EVERY_MS = 60_000;
/** A server line a WHOX lookup waits for (354, 315), checked before parsing. */
const WHO_REPLY = /^(?:@\S+ +)?:\S+ +(?:354|315) /;
/** Longest wait at shutdown for the server to confirm the last lines written. */
const DELIVERY_PROOF_MS = 5000;

export class Bridge {
  readonly metrics = new BotMetrics();
  readonly irc: IrcConnection;
  /** IRCv3 STS: the policy for IRC_HOST, kept in Redis across restarts. */
  private readonly sts: StsPolicies;
  private readonly bus: RedisBus;
  private readonly queue: SendQueue;
  private readonly inbound: InboundEvents;
  private readonly notices: NoticeConsumer;
  /** What became of each line written: confirmed by the server, refused, or lost (bot/delivery). */
  readonly delivery: DeliveryTracker;
  private readonly badInputLog: RateLimitedLog;
  private readonly badLineLog: RateLimitedLog;
  /** Set when ZEN_ANNOUNCE_RETURN_AFTER_SECONDS is on. */
  private readonly announcer: ReturnAnnouncer | undefined;
  private readonly names;
  private readonly inStream: InStreamWriter;
  private readonly rpc: RpcServer;
  private readonly members: ChannelMembers;
  private readonly whois: WhoisLookup;
  private readonly accounts: AccountCache;
  private readonly accountLookup: AccountLookup;
  readonly ignoreList: IgnoreList;
  private readonly ignoreStore: IgnoreStore;
  private readonly startedAt = new Date();
  private client: Client | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: BotConfig,
    private readonly log: Logger,
    tuning: BridgeTuning = {},
  ) {
    this.names = busNames(config.namespace, { hashTags: isCluster(config.redis) });
    this.badInputLog = new RateLimitedLog(log);
    this.badLineLog = new RateLimitedLog(log);
    this.bus = new RedisBus({ target: config.redis, names: this.names, inBufferMax: config.inBufferMax, adminChannel: adminChannel(config) }, log, this.metrics);
    this.inStream = new InStreamWriter(
      { target: config.redis, stream: this.names.inStream, maxLen: config.inStreamMaxLen, bufferMax: config.inBufferMax, connection: this.bus.publisher },
      log,
    );
    this.rpc = new RpcServer(config.redis, this.names, log);
    this.members = new ChannelMembers(() => this.client?.network.options.PREFIX ?? [{ symbol: '@', mode: 'o' }, { symbol: '+', mode: 'v' }]);
    this.queue = new SendQueue({ burst: config.sendBurst, ratePerSecond: config.sendRate, maxLines: config.queueMaxLines });
    this.sts = new StsPolicies(config.ircHost, redisStsStore(() => this.bus.commands, config.namespace), log);
    this.irc = new IrcConnection(ircOptions(config, tuning, this.sts), log, tuning.random);
    this.delivery = new DeliveryTracker({
      writeLine: (line) => this.irc.writeLine(line),
      charge: (lines) => this.queue.charge(lines),
      queueDepth: () => this.queue.depth,
      labels: () => this.irc.hasCap('labeled-response'),
      echo: () => this.irc.hasCap('echo-message'),
      tags: () => this.irc.hasCap('message-tags'),
      ownNick: () => this.irc.nick,
    });
    this.notices = createNoticeConsumer(config, this.names, this.irc, this.queue, log, this.metrics);
    this.metrics.watchConnections(() => ({ irc: this.irc.isConnected, redis: this.bus.connected }));
    if (config.announceReturnAfterSeconds > 0) {
      const thresholdMs = config.announceReturnAfterSeconds * 1000;
      this.announcer = new ReturnAnnouncer({ thresholdMs, minIntervalMs: tuning.announceMinIntervalMs ?? Math.max(thresholdMs, DEFAULT_ANNOUNCE_MIN_INTERVAL_MS) });
    }
    this.accounts = new AccountCache({ ttlMs: config.accountCacheSeconds * 1000 });
    this.whois = new WhoisLookup((line) => this.queue.enqueue([{ key: 'zenrelay:whois', line }]));
    this.accountLookup = new AccountLookup({
      send: (line) => this.queue.enqueue([{ key: 'zenrelay:whois', line }]),
      whox: () => this.irc.isupport('WHOX') !== undefined && this.irc.isupport('WHOX') !== false,
      botFlag: () => {
        const mode = this.irc.isupport('BOT');
        return typeof mode === 'string' && /^[A-Za-z]$/.test(mode) ? mode : undefined;
      },
      whois: (nick, timeoutMs) => this.whois.lookup(nick, timeoutMs),
    });
    this.ignoreList = new IgnoreList(config.ignore);
    this.ignoreStore = new IgnoreStore(config.redis, this.names.ignoreKey, this.ignoreList, log);
    const limited = config.commandRate > 0 || config.channelCommandRate > 0;
    const gate = new CommandGate({
      admins: config.admins,
      limiter: limited
        ? new CommandLimiter({
            sender: { burst: config.commandBurst, ratePerSecond: config.commandRate },
            channel: { burst: config.channelCommandBurst, ratePerSecond: config.channelCommandRate },
            warnEveryMs: SLOW_DOWN_EVERY_MS,
          })
        : undefined,
      accounts: this.accounts,
      accountTag: () => this.irc.hasCap('account-tag'),
      lookup: (nick, timeoutMs) => this.accountLookup.lookup(nick, timeoutMs),
      lookupTimeoutMs: ACCOUNT_LOOKUP_TIMEOUT_MS,
      answerBots: config.answerBots,
      slowDown: (nick) => this.queue.enqueue([{ key: nick.toLowerCase(), line: `NOTICE ${nick} :Slow down: too many commands at once; wait a few seconds before the next.` }]),
    });
    this.inbound = new InboundEvents({
      ignored: (nick, ident, host) => this.ignoreList.ignores(nick, ident, host),
      gate: (sender) => gate.decide(sender),
      held: (why, nick) => log.debug({ why, nick }, 'a command was not published'),
      botNick: () => this.irc.nick,
      commandPrefix: config.commandPrefix,
      directed: config.directed,
      answerBots: config.answerBots,
      version: `zenrelay ${VERSION}`,
      publish: (event) => this.publishIn(event),
      invalid: (type, why) => {
        this.metrics.ircBadLines.inc({ reason: 'invalid_event' });
        this.badLineLog.warn({ type, why }, 'a malformed IRC line gave an incomplete event; not published');
      },
      ctcpReply: (nick, text) => this.queue.enqueue([{ key: nick.toLowerCase(), line: `NOTICE ${nick} :${text}` }]),
    });
    registerBotMethods(this.rpc, { status: () => this.botStatus(), members: this.members, whois: this.whois, whoisTimeoutMs: WHOIS_TIMEOUT_MS });
    registerAdminMethods(this.rpc, {
      send: (line) => this.queue.enqueue([{ key: RAW_KEY, line }]),
      client: () => this.client,
      nick: () => this.irc.nick,
      channels: () => this.irc.channels,
      configured: (channel) => this.irc.isConfigured(channel),
      wantNick: (nick) => this.irc.wantNick(nick),
      ignore: { add: (m) => this.ignoreStore.add(m), remove: (m) => this.ignoreStore.remove(m), masks: () => this.ignoreList.masks() },
      log,
      timeoutMs: ADMIN_TIMEOUT_MS,
    });
    this.wire();
  }

  /** Connects to Redis (waits for it), then starts connecting to IRC (does not wait). */
  async start(): Promise<void> {
    await this.bus.start((payload, channel) => this.onOut(payload, channel));
    // A SIGTERM during startup stops the bridge between these steps: what stop() closed must not fail the start.
    if (this.stopping) return;
    this.inStream.start();
    if (!(await this.unlessStopping(() => this.ignoreStore.start()))) return;
    if (!(await this.unlessStopping(() => this.rpc.start()))) return;
    if (!(await this.unlessStopping(() => this.notices.start()))) return;
    // A saved STS policy decides the first connection already (TLS, never plain text).
    if (!(await this.unlessStopping(() => this.sts.load()))) return;
    this.irc.start();
  }

  /** Runs a startup step; false (instead of its error) when the bridge was stopped meanwhile. */
  private async unlessStopping(step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
    } catch (err) {
      if (this.stopping) return false;
      throw err;
    }
    return !this.stopping;
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

  /** What the `status` request answers. */
  botStatus(): BotStatus {
    const s = this.status();
    return {
      version: VERSION,
      started: this.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      redis: { connected: s.redis },
      irc: { server: `${this.config.ircHost}:${this.config.ircPort}`, registered: s.ircRegistered, ready: s.ircReady, nick: s.nick, channels: s.channels, wanted_channels: s.wantedChannels },
      send_queue_depth: s.queueDepth,
      in_stream: { enabled: this.inStream.enabled, pending: this.inStream.pending },
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
    await this.rpc.stop();
    if (!(await settlesWithin(this.notices.stopReading(), NOTICES_STOP_MS))) {
      this.log.warn({ waitedMs: NOTICES_STOP_MS }, 'the durable notices reader did not stop (Redis down?); shutting down anyway');
    }
    if (this.queue.depth > 0) {
      const drained = await this.queue.drain(this.config.shutdownTimeoutMs);
      if (!drained) this.log.warn({ unsent: this.queue.depth }, 'send queue not drained before the shutdown timeout');
    }
    if (this.delivery.unsettled > 0 && !(await this.delivery.settled(DELIVERY_PROOF_MS))) {
      this.log.warn({ unconfirmed: this.delivery.unsettled }, 'the IRC server did not confirm the last lines before shutdown; their notices stay queued and are sent again at the next start');
    }
    this.queue.close();
    this.delivery.close();
    await this.notices.close();
    await this.irc.stop('zenrelay shutting down');
    // The stream writer shares the bus's connection: it flushes first, then the bus flushes and closes.
    await this.inStream.stop();
    await Promise.all([this.bus.stop(), this.ignoreStore.stop()]);
    this.log.info('stopped');
  }

  private wire(): void {
    const { irc, queue, metrics } = this;
    irc.on('client', (client) => {
      this.client = client;
      // irc-framework itself asks for account-tag, extended-join and account-notify where offered.
      client.requestCap(['echo-message', 'labeled-response', 'setname', 'draft/multiline']);
      this.accountLookup.clear();
      trackAccounts(client, this.accounts);
      client.on('raw', (event) => {
        if (!event.from_server) return;
        this.delivery.onServerLine(event.line);
        if (STANDARD_REPLY.test(event.line)) this.onStandardReply(event.line);
        if (WHO_REPLY.test(event.line)) {
          const line = parseIrcLine(event.line.replace(/[\r\n]+$/, ''));
          if (line) this.accountLookup.onServerLine(line);
        }
      });
      this.inbound.attach(client);
      this.whois.attach(client);
      this.trackMembers(client);
    });
    irc.on('registered', ({ nick }) => {
      metrics.ircRegistered.set(1);
      this.bus.setNick(nick);
    });
    irc.on('nick', ({ new: nick }) => this.bus.setNick(nick));
    irc.on('ready', ({ nick, channels }) => void this.onIrcReady(nick, channels));
    irc.on('disconnected', () => {
      metrics.ircRegistered.set(0);
      queue.setWriter(null);
      this.delivery.connectionLost();
      this.announcer?.wentDown();
      this.members.clear();
    });
    irc.on('reconnecting', () => metrics.ircReconnects.inc());
    irc.on('ownLine', (line) => {
      queue.charge(1);
      this.delivery.noteOwnLine(line);
    });
    irc.on('badLine', ({ reason, line, bytes, error }) => {
      metrics.ircBadLines.inc({ reason });
      const preview = line === undefined ? undefined : line.slice(0, INPUT_PREVIEW_CHARS);
      this.badLineLog.warn({ reason, line: preview, bytes, error: error instanceof Error ? error.message : error }, 'dropped a bad line from the IRC server; carrying on');
    });
    irc.on('lineFixed', ({ line, fitted }) => {
      for (const fix of new Set(fitted.fixes)) metrics.ircLinesFixed.inc({ fix });
      this.badLineLog.warn({ line: line.slice(0, INPUT_PREVIEW_CHARS), fixes: fitted.fixes, reason: fitted.dropReason, lines: fitted.lines.length }, 'an outgoing IRC line was fixed to stay within one 512-byte line');
    });
    queue.on('written', ({ line, waitedMs }) => {
      metrics.lineWritten(line.slice(0, line.indexOf(' ')), waitedMs / 1000);
      metrics.queueDepth.set(queue.depth);
    });
  }

  private async onIrcReady(nick: string, channels: string[]): Promise<void> {
    const back = this.announcer?.cameBack();
    if (back) {
      // Read before anything is sent: what piled up during the outage. (Only microtasks run meanwhile.)
      const notices = await this.metrics.value(this.metrics.noticesPending);
      if (!this.irc.isReady) return;
      this.announceReturn(returnMessage(back.outageMs, { notices, messages: this.queue.depth }), channels);
    }
    this.queue.setWriter(this.delivery.write, () => this.irc.corkWrites());
    // Bot etiquette: where the network has a bot mode (ISUPPORT BOT=B), the bot wears it.
    const botMode = this.irc.isupport('BOT');
    if (typeof botMode === 'string' && /^[A-Za-z]$/.test(botMode)) this.queue.enqueue([{ key: RAW_KEY, line: `MODE ${nick} +${botMode}` }]);
    this.publishIn(envelope('connected', { server: this.config.ircHost, channels, nick }));
  }

  /** One NOTICE per channel, ahead of the delayed lines (so readers know they are late), charged to the rate limit. */
  private announceReturn(text: string, channels: string[]): void {
    for (const channel of channels) {
      if (this.irc.writeLine(`NOTICE ${channel} :${text}`)) this.queue.charge(1);
    }
    this.metrics.returnAnnouncements.inc();
    this.log.info({ channels, text }, 'told the channels the bot is back');
  }

  /** IRCv3 FAIL / WARN / NOTE: logged (rate-limited) and published on the errors channel, source `irc`. */
  private onStandardReply(raw: string): void {
    const line = parseIrcLine(raw.replace(/[\r\n]+$/, ''));
    const reply = line && standardReply(line);
    if (!reply) return;
    const { code, reason } = standardReplyError(reply);
    const fields = { code, reason, command: reply.command };
    if (reply.kind === 'NOTE') this.log.info(fields, 'IRC server note');
    else this.badInputLog.warn(fields, reply.kind === 'FAIL' ? 'the IRC server refused a command (FAIL)' : 'IRC server warning (WARN)');
    const input = raw.replace(/[\r\n]+$/, '').slice(0, INPUT_PREVIEW_CHARS);
    this.bus.publishError(envelope('error', { code, reason, source: 'irc', input }));
  }

  /**
   * Gives the event its id and queues it for `in` and for the `in` stream.
   * The events of one turn (an IRC line gives `privmsg` and
   * `directed_privmsg`; a socket read may hold many lines) are sent together
   * at its end, in a microtask: the PUBLISHes first, then the XADDs, on one
   * connection, in one socket write. `event` is a fresh envelope (from
   * InboundEvents or built here): its id is set on it, not on a copy.
   */
  private publishIn(event: InboundEvent): void {
    event.id = randomUUID();
    const payload = JSON.stringify(event);
    this.bus.queueIn(event, payload);
    this.inStream.queue(event, payload);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A promise reaction, not queueMicrotask: Node wraps each queueMicrotask callback in an AsyncResource
    // (an allocation and async-hook bookkeeping per IRC line); the order is the same.
    void RESOLVED.then(this.flushIn);
  }

  private flushScheduled = false;

  private readonly flushIn = (): void => {
    this.flushScheduled = false;
    const release = this.bus.corkWrites();
    try {
      this.bus.flush();
      this.inStream.flush();
    } finally {
      release();
    }
  };

  /** Keeps the channel member lists the `names` request answers from. */
  private trackMembers(client: Client): void {
    const m = this.members;
    const isMe = (nick: string) => client.caseCompare(nick, this.irc.nick);
    client.on('userlist', (e) => m.userlist(e.channel, e.users));
    client.on('join', (e) => m.join(e.channel, e.nick, isMe(e.nick)));
    client.on('part', (e) => m.leave(e.channel, e.nick, isMe(e.nick)));
    client.on('kick', (e) => m.leave(e.channel, e.kicked, isMe(e.kicked)));
    client.on('quit', (e) => m.quit(e.nick));
    client.on('nick', (e) => m.rename(e.nick, e.new_nick));
    client.on('mode', (e) => m.mode(e.target, e.modes));
  }

  private onOut(payload: Buffer, channel: string): void {
    if (this.stopping) return;
    const parsed = parseOutbound(payload, { maxBytes: this.config.maxPayloadBytes });
    if (!parsed.ok) return this.reject(parsed.rejection, payload, channel);
    const replyTag = this.irc.hasCap('message-tags') && clientTagAllowed(this.irc.isupport('CLIENTTAGDENY'), REPLY_TAG);
    const result = commandLines(parsed.command, { identity: this.irc.identity, rawAllow: this.config.rawAllow, replyTag, ...this.irc.multilineContext() });
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

function saslOption(config: BotConfig): IrcConnectionOptions['sasl'] {
  const mechanism = chooseMechanism(saslSettings(config));
  if (mechanism === undefined) return undefined;
  return mechanism === 'PLAIN' ? { mechanism, account: config.saslAccount, password: config.saslPassword } : { mechanism };
}

function ircOptions(config: BotConfig, tuning: BridgeTuning, sts: StsPolicies): IrcConnectionOptions {
  return {
    host: config.ircHost,
    port: config.ircPort,
    tls: config.ircTls,
    tlsVerify: config.ircTlsVerify,
    nick: config.ircNick,
    username: config.ircUsername,
    realname: config.ircRealname,
    password: config.ircPassword,
    tlsCa: config.ircTlsCa,
    tlsCert: config.ircTlsCert,
    tlsKey: config.ircTlsKey,
    sasl: saslOption(config),
    loginRequired: config.saslRequired,
    nickserv:
      config.nickservPassword !== undefined || config.saslAccount !== undefined || config.ircTlsCert !== undefined
        ? { service: config.nickservNick, password: config.nickservPassword, identify: config.nickservIdentify, regain: config.nickservRegain }
        : undefined,
    sts,
    channels: config.ircChannels,
    reconnectMinMs: config.reconnectMinMs,
    reconnectMaxMs: config.reconnectMaxMs,
    pingTimeoutSeconds: config.pingTimeoutSeconds,
    nickRegainMs: tuning.nickRegainMs,
    joinTimeoutMs: tuning.joinTimeoutMs,
    rejoinDelayMs: tuning.rejoinDelayMs,
    identifyTimeoutMs: tuning.identifyTimeoutMs,
  };
}
