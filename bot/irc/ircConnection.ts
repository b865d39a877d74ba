import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Client, ClientOptions } from 'irc-framework';
import type { Logger } from '@zenrelay/runtime';
import { RepeatedFailures } from '@zenrelay/runtime';
import { attemptAfterClose, backoffDelay, STABLE_CONNECTION_MS } from './backoff';
import { useDeadlinePingTimeout } from './pingDeadline';
import { useMessageFastLane } from './messageFastLane';
import { guardedTransport, type BadLineReason, type TlsSettings, type TransportClass } from './guardedTransport';
import type { FittedLine } from './lineWriter';
import {
  classifyNumeric,
  classifyServerError,
  classifySocketError,
  closedWithoutReason,
  ConnectionFailure,
  looksLikeIrc,
  looksLikeTlsRecord,
  nickservFailure,
  notIrc,
  pingTimeout,
  plaintextOnTlsPort,
  registrationTimeout,
  saslRequiredFailure,
  stsUpgrade,
  Target,
  tlsFileUnreadable,
  tlsHandshakeTimeout,
} from './connectionFailure';
import { renderCommand, serviceLine } from './nickserv';
import { alternativeNick } from './nicks';
import { MULTILINE_CAP, parseMultilineCap, type MultilineLimits } from '../outbound/multiline';
import { CHECK_EVERY_LINES, replyCaches, trimNetworkTokens, trimReplyCaches } from './replyCaches';
import { saslFailureMessage, saslFailureText, type SaslMechanism } from './sasl';
import { StsPolicies, type Endpoint } from './stsPolicies';

/**
 * Keeps the bot on IRC, whatever happens: a fresh irc-framework client per
 * attempt (its own reconnect gives up after 3 failures and never rejoins), a
 * backoff with jitter that never gives up, registration and ping timeouts,
 * rejoin of every channel after each registration, and nick regain.
 *
 * It writes only what the connection itself needs (NICK, JOIN); everything
 * the bot says goes through the send queue, which writes via `writeLine` once
 * the connection is `ready` (registered and channels joined).
 */

export interface IrcConnectionOptions {
  host: string;
  port: number;
  tls: boolean;
  tlsVerify: boolean;
  nick: string;
  username: string;
  realname: string;
  password?: string;
  /** IRC_TLS_CA, IRC_TLS_CERT, IRC_TLS_KEY: paths, read at each TLS connection. */
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** SASL: PLAIN with account and password, or EXTERNAL (the client certificate). */
  sasl?: { mechanism: SaslMechanism; account?: string; password?: string };
  /** IRC_SASL_REQUIRED: never join unidentified; a failed login disconnects and retries. */
  loginRequired?: boolean;
  /** NickServ: IDENTIFY after connecting when SASL did not log in, GHOST/REGAIN when the nick is taken. */
  nickserv?: { service: string; password?: string; identify: string; regain: string };
  /** STS state (policy kept across restarts by its store); default: in memory only. */
  sts?: StsPolicies;
  /** How long NickServ has to confirm IDENTIFY (900) when login is required. Default 15 s. */
  identifyTimeoutMs?: number;
  channels: string[];
  reconnectMinMs: number;
  reconnectMaxMs: number;
  pingTimeoutSeconds: number;
  /** How often to try to take the wanted nick back while using another one. */
  nickRegainMs?: number;
  /** Give up on a connection attempt that has not registered by then. Default 30 s. */
  registrationTimeoutMs?: number;
  /** Give up on a TLS handshake that has not completed by then (a plain-text port stays silent). Default 5 s. */
  tlsHandshakeTimeoutMs?: number;
  /** How long to wait for JOIN replies before declaring the connection ready anyway. */
  joinTimeoutMs?: number;
  /** Delay before rejoining a channel the bot was kicked from. */
  rejoinDelayMs?: number;
}

export interface Identity {
  nick: string;
  user?: string;
  host?: string;
}

export interface IrcConnectionEvents {
  /** A new irc-framework client was created: attach event listeners to it. */
  client: [Client];
  registered: [{ nick: string }];
  /** Registered and every wanted channel joined (or the join timeout passed). */
  ready: [{ nick: string; channels: string[] }];
  /** The bot's own nick changed (registration with a fallback nick, regain, or NICK). */
  nick: [{ old: string; new: string }];
  disconnected: [{ reason: string; cause: ConnectionFailure['cause'] }];
  reconnecting: [{ attempt: number; delayMs: number }];
  /**
   * A line went out that the send queue did not write: registration, PONG,
   * PING, JOIN, NICK. The server counts it against the flood limit all the same.
   */
  ownLine: [string];
  /** A line from the server was dropped: too long, or it threw in a handler (the connection carries on). */
  badLine: [{ reason: BadLineReason; line?: string; bytes?: number; error?: unknown }];
  /** A line the bot wrote was sanitised, split, truncated or dropped by the one writer. */
  lineFixed: [{ line: string; fitted: FittedLine }];
}

/** Long enough for a server's ident and DNS lookups; a port that is not IRC fails sooner (at its first line). */
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 30_000;
/** A TLS handshake takes a few round trips; a plain-text port answers a ClientHello with silence. */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 5_000;

type State = 'idle' | 'connecting' | 'registered' | 'ready' | 'waiting' | 'stopped';

export class IrcConnection extends EventEmitter<IrcConnectionEvents> {
  private client: Client | undefined;
  private connectionCount = 0;
  private batchCount = 0;
  private state: State = 'idle';
  private attempt = 0;
  /** When the current connection registered (performance.now()); undefined before. */
  private registeredAt: number | undefined;
  private nickAttempt = 0;
  private identityNow: Identity;
  /** Channels the bot should be in, keyed by lowercased name. */
  private readonly wanted = new Map<string, string>();
  /** Channels the bot is in on the current connection. */
  private readonly joined = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private connectionTimers = new Set<NodeJS.Timeout>();
  /** Why the current attempt is failing, once known (the first specific reason wins). */
  private failure: ConnectionFailure | undefined;
  private socketError: Error | undefined;
  private receivedAny = false;
  private readonly failures: RepeatedFailures;
  /** The last command the bot wrote to each target (lowercased), to name it when the server answers with an error. */
  private readonly lastCommandTo = new Map<string, string>();
  /** True while writeLine hands a send-queue line to the client. */
  private writingQueued = false;
  /** Channels from IRC_CHANNELS (lowercased): a PART or JOIN 0 never removes them from `wanted`. */
  private readonly configured = new Set<string>();
  /** Channels with a rejoin scheduled on this connection (one each, however many PARTs or KICKs arrive). */
  private readonly rejoining = new Set<string>();
  private readonly transport: TransportClass;
  /** The nick the bot registers with and takes back: IRC_NICK, until an `admin.nick` request changes it. */
  private wantedNick: string;
  private readonly sts: StsPolicies;
  /** Where the current attempt connects (IRC_PORT/IRC_TLS, or TLS by STS). */
  private endpoint: Endpoint;
  /** The TLS settings of the current attempt (files read at connect). */
  private tlsSettings: TlsSettings | undefined;
  /** Logged in to services on the current connection (900). */
  private loggedIn = false;
  /** The last notice from the nick service on this connection, quoted when a login fails. */
  private lastServiceNotice: string | undefined;
  /** A GHOST/REGAIN was sent: take the nick at NickServ's answer. */
  private regainSent = false;
  /** Joins wait for the NickServ login (IRC_SASL_REQUIRED without SASL). */
  private waitingForLogin = false;

  constructor(
    private readonly options: IrcConnectionOptions,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    super();
    this.identityNow = { nick: options.nick };
    this.wantedNick = options.nick;
    for (const channel of options.channels) {
      this.wanted.set(channel.toLowerCase(), channel);
      this.configured.add(channel.toLowerCase());
    }
    this.sts = options.sts ?? new StsPolicies(options.host, undefined, log);
    this.endpoint = { port: options.port, tls: options.tls };
    this.transport = guardedTransport({
      identity: () => this.identityNow,
      tls: () => this.tlsSettings,
      onBadLine: (reason, detail) => this.emit('badLine', { reason, ...detail }),
      // A NickServ command carries a password: a fixed one is reported without its text.
      onLineFixed: (line, fitted) => this.emit('lineFixed', { line: this.isServiceCommand(line) ? `PRIVMSG ${options.nickserv?.service} :***` : line, fitted }),
    });
    this.failures = new RepeatedFailures(log, { what: 'IRC' });
  }

  private get target(): Target {
    return { host: this.options.host, port: this.endpoint.port, tls: this.endpoint.tls, ca: this.options.tlsCa };
  }

  /** Whether the current attempt checks the server's certificate (always, when STS chose TLS). */
  private get verifying(): boolean {
    return this.endpoint.tls && (this.endpoint.via !== undefined || this.options.tlsVerify);
  }

  /** Where the bot connects now: IRC_PORT/IRC_TLS, or the TLS port an STS policy or upgrade names. */
  get currentEndpoint(): Endpoint {
    return { ...this.endpoint };
  }

  /** Whether the bot is logged in to services on the current connection. */
  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Whether a connection to the server is open (TCP, and TLS when on), registered or not. */
  get isConnected(): boolean {
    return this.client?.connected ?? false;
  }

  get isRegistered(): boolean {
    return this.state === 'registered' || this.state === 'ready';
  }

  get nick(): string {
    return this.identityNow.nick;
  }

  get identity(): Identity {
    return { ...this.identityNow };
  }

  /** Channels the bot is in right now. */
  get channels(): string[] {
    return [...this.joined.values()];
  }

  /** Channels the bot will be in after every reconnect. */
  get wantedChannels(): string[] {
    return [...this.wanted.values()];
  }

  /** Whether `channel` is one of IRC_CHANNELS (always rejoined). */
  isConfigured(channel: string): boolean {
    return this.configured.has(channel.toLowerCase());
  }

  /** From now on (until a restart), the nick to register with and take back when lost. */
  wantNick(nick: string): void {
    this.wantedNick = nick;
  }

  /** Whether an IRCv3 capability was negotiated on the current connection. */
  hasCap(cap: string): boolean {
    return this.client?.network.cap.isEnabled(cap) ?? false;
  }

  /** Changes on every new connection (see LineContext.connection). */
  get connectionNumber(): number {
    return this.connectionCount;
  }

  /**
   * What multi-line messages need (commandLines' LineContext): the
   * `draft/multiline` limits when the current connection negotiated it,
   * fresh batch references, and which connection is current.
   */
  multilineContext(): { multiline?: MultilineLimits; batchRef: () => string; connection: () => number } {
    const limits = this.hasCap(MULTILINE_CAP) ? parseMultilineCap(capValue(this.client?.network.cap.available.get(MULTILINE_CAP))) : undefined;
    return {
      ...(limits ? { multiline: limits } : {}),
      batchRef: () => `zrml${++this.batchCount}`,
      connection: () => this.connectionCount,
    };
  }

  /** An ISUPPORT (005) token of the current connection's server, e.g. `BOT` → `B`; undefined when not advertised. */
  isupport(token: string): unknown {
    return this.client?.network.supports(token);
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /** Writes one complete line (without CRLF). False when there is no registered connection. */
  writeLine(line: string): boolean {
    if (!this.client || !this.isRegistered || !this.client.connected) return false;
    this.rememberCommand(line);
    this.writingQueued = true;
    try {
      this.client.raw(line);
    } finally {
      this.writingQueued = false;
    }
    return true;
  }

  /**
   * Corks the current socket: lines written until the returned function runs
   * leave in one write (the send queue calls this around each turn). The
   * release uncorks that same socket, even if the connection was replaced.
   */
  corkWrites(): () => void {
    const socket = (this.client as unknown as { connection?: { transport?: { socket?: Socket | null } } } | undefined)?.connection?.transport?.socket;
    if (!socket || socket.destroyed) return () => undefined;
    socket.cork();
    return () => socket.uncork();
  }

  /** QUITs with `message` and stops reconnecting. Resolves once the socket is closed (at most `timeoutMs`). */
  async stop(message = 'zenrelay shutting down', timeoutMs = 3000): Promise<void> {
    if (this.state === 'stopped') return;
    const client = this.client;
    const wasConnected = client?.connected ?? false;
    this.state = 'stopped';
    this.clearTimers(this.timers);
    this.clearTimers(this.connectionTimers);
    if (!client) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        client.connection.end(undefined, true);
        resolve();
      }, timeoutMs);
      client.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (wasConnected) client.quit(message);
      else {
        client.connection.end(undefined, true);
        clearTimeout(force);
        resolve();
      }
    });
    client.removeAllListeners();
    this.client = undefined;
  }

  private connect(): void {
    this.state = 'connecting';
    this.nickAttempt = 0;
    this.joined.clear();
    this.rejoining.clear();
    this.failure = undefined;
    this.socketError = undefined;
    this.receivedAny = false;
    this.loggedIn = false;
    this.lastServiceNotice = undefined;
    this.regainSent = false;
    this.waitingForLogin = false;
    this.endpoint = this.sts.endpoint({ port: this.options.port, tls: this.options.tls });
    const tlsProblem = this.prepareTls();
    const client = new Client();
    useDeadlinePingTimeout(client);
    useMessageFastLane(client);
    this.client = client;
    this.connectionCount++;
    this.bindLifecycle(client);
    this.emit('client', client);
    const registrationMs = this.options.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS;
    this.connectionTimer(registrationMs, () => {
      if (this.state === 'connecting') this.fail(client, registrationTimeout(this.target, registrationMs, this.receivedAny));
    });
    if (tlsProblem) {
      // A CA, certificate or key that cannot be read: this attempt fails at once, retried like any other.
      this.failure = tlsProblem;
      queueMicrotask(() => this.onClose(client));
      return;
    }
    client.connect(this.clientOptions());
    const fields = { host: this.options.host, port: this.endpoint.port, tls: this.endpoint.tls, ...(this.endpoint.via ? { via: this.endpoint.via } : {}), attempt: this.attempt };
    // The first attempt is worth a line; retries are summarised by `failures`.
    if (this.attempt === 0) this.log.info(fields, 'connecting to IRC');
    else this.log.debug(fields, 'connecting to IRC');
  }

  /** Reads IRC_TLS_CA / IRC_TLS_CERT / IRC_TLS_KEY for this attempt; a failure when one cannot be read. */
  private prepareTls(): ConnectionFailure | undefined {
    this.tlsSettings = undefined;
    if (!this.endpoint.tls) return undefined;
    const settings: TlsSettings = { rejectUnauthorized: this.verifying };
    const files: Array<[keyof TlsSettings & ('ca' | 'cert' | 'key'), string, string | undefined]> = [
      ['ca', 'IRC_TLS_CA', this.options.tlsCa],
      ['cert', 'IRC_TLS_CERT', this.options.tlsCert],
      ['key', 'IRC_TLS_KEY', this.options.tlsKey],
    ];
    for (const [field, variable, path] of files) {
      if (path === undefined) continue;
      try {
        settings[field] = readFileSync(path);
      } catch (err) {
        return tlsFileUnreadable(variable, path, err as Error);
      }
    }
    this.tlsSettings = settings;
    return undefined;
  }

  /** Ends the current attempt for `failure` (kept unless a reason is already known). */
  private fail(client: Client, failure: ConnectionFailure): void {
    if (client !== this.client) return;
    this.failure ??= failure;
    client.connection.end(undefined, true);
  }

  /** Watches the raw socket: a TLS handshake that never completes, or TLS bytes answering plain text. */
  private watchSocket(client: Client, socket: Socket): void {
    if (this.endpoint.tls) {
      const ms = this.options.tlsHandshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS;
      let done = false;
      client.once('socket connected', () => (done = true));
      this.connectionTimer(ms, () => {
        if (!done && client === this.client) this.fail(client, tlsHandshakeTimeout(this.target, ms));
      });
      return;
    }
    socket.once('data', (chunk: Buffer) => {
      if (looksLikeTlsRecord(chunk)) this.fail(client, plaintextOnTlsPort(this.target));
    });
  }

  private rememberCommand(line: string): void {
    const [command, target] = line.split(' ', 3);
    if (!target || target.startsWith(':')) return;
    for (const one of target.split(',')) {
      const key = one.toLowerCase();
      this.lastCommandTo.delete(key);
      this.lastCommandTo.set(key, command.toUpperCase());
    }
    // Bounded: the oldest targets go first.
    while (this.lastCommandTo.size > 1000) this.lastCommandTo.delete(this.lastCommandTo.keys().next().value as string);
  }

  private clientOptions(): ClientOptions {
    const { options } = this;
    const pingTimeout = options.pingTimeoutSeconds;
    const sasl = options.sasl;
    return {
      host: options.host,
      port: this.endpoint.port,
      // TLS sockets are made by the transport (with IRC_TLS_CA and the client certificate).
      tls: this.endpoint.tls,
      rejectUnauthorized: this.verifying,
      nick: this.wantedNick,
      username: options.username,
      gecos: options.realname,
      password: options.password,
      // An account object without credentials stops irc-framework from reusing the server password for SASL.
      account: sasl?.mechanism === 'PLAIN' && sasl.account !== undefined ? { account: sasl.account, password: sasl.password ?? '' } : {},
      ...(sasl?.mechanism === 'EXTERNAL' ? { sasl_mechanism: 'EXTERNAL' } : {}),
      // CTCP VERSION is answered through the send queue, not straight to the socket.
      version: null,
      auto_reconnect: false,
      ping_interval: Math.max(2, Math.min(30, Math.floor(pingTimeout / 2))),
      ping_timeout: pingTimeout,
      encoding: 'utf8',
      // Host changes must reach the writer's prefix budget (IRCv3 CHGHOST).
      enable_chghost: true,
      transport: this.transport,
    };
  }

  private bindLifecycle(client: Client): void {
    client.on('registered', (event) => this.onRegistered(client, typeof event.nick === 'string' && event.nick !== '' ? event.nick : this.identityNow.nick));
    client.on('nick in use', () => this.onNickRejected(client));
    client.on('nick invalid', () => this.onNickRejected(client));
    client.on('nick', (event) => {
      if (typeof event.nick === 'string' && typeof event.new_nick === 'string' && event.new_nick !== '') this.onNick(client, event.nick, event.new_nick);
    });
    client.on('displayed host', (event) => {
      // RPL_HOSTCLOAKING (396): "<nick> <host> :is now your displayed host"; some servers send user@host.
      if (typeof event.nick === 'string' && !this.isMe(event.nick)) return;
      if (typeof event.hostname !== 'string' || event.hostname === '' || /\s/.test(event.hostname)) return;
      const at = event.hostname.lastIndexOf('@');
      const user = at > 0 ? event.hostname.slice(0, at) : this.identityNow.user;
      this.identityNow = { ...this.identityNow, user, host: event.hostname.slice(at + 1) };
    });
    client.on('user updated', (event) => {
      // IRCv3 CHGHOST: ":nick!old@old CHGHOST <new user> <new host>".
      if (!this.isMe(event.nick) || typeof event.new_ident !== 'string' || typeof event.new_hostname !== 'string') return;
      if (event.new_ident === '' || event.new_hostname === '') return;
      this.identityNow = { ...this.identityNow, user: event.new_ident, host: event.new_hostname };
    });
    client.on('join', (event) => {
      if (!this.isMe(event.nick) || !validChannel(event.channel)) return;
      this.identityNow = { nick: this.identityNow.nick, user: event.ident, host: event.hostname };
      const key = event.channel.toLowerCase();
      this.joined.set(key, event.channel);
      this.wanted.set(key, event.channel);
      this.maybeReady();
    });
    client.on('part', (event) => {
      if (!this.isMe(event.nick) || !validChannel(event.channel)) return;
      const key = event.channel.toLowerCase();
      this.joined.delete(key);
      if (!this.configured.has(key)) {
        this.wanted.delete(key);
        return;
      }
      // A raw PART or JOIN 0 of a configured channel is temporary: IRC_CHANNELS are always rejoined.
      if (this.scheduleRejoin(event.channel)) this.log.warn({ channel: event.channel }, 'left a configured channel (IRC_CHANNELS); will rejoin');
    });
    client.on('kick', (event) => {
      if (!this.isMe(event.kicked) || !validChannel(event.channel)) return;
      this.joined.delete(event.channel.toLowerCase());
      if (this.scheduleRejoin(event.channel)) this.log.warn({ channel: event.channel, by: event.nick, reason: event.message }, 'kicked; will rejoin');
    });
    client.on('quit', (event) => this.maybeRegain(event.nick));
    client.on('irc error', (event) => {
      // After our own QUIT the server's "ERROR :Closing link" is the expected goodbye, not a problem.
      if (this.state === 'stopped') return;
      if (event.error === 'irc') {
        this.failure ??= classifyServerError(event.reason ?? '');
        return;
      }
      if (event.error === 'password_mismatch') {
        this.failure ??= classifyNumeric('464', event.reason ?? '');
        return;
      }
      if (event.error === 'banned_from_network') {
        this.fail(client, classifyNumeric('465', event.reason ?? '')!);
        return;
      }
      const target = event.channel ?? event.nick;
      const command = target === undefined ? undefined : this.lastCommandTo.get(target.toLowerCase());
      this.log.warn({ error: event.error, reason: event.reason, target, command }, `IRC error reply${target ? ` to ${command ?? 'a command'} for ${target}` : ''}`);
      if (event.channel && this.state === 'registered') this.maybeReady(event.channel);
    });
    client.on('sasl failed', (event) => this.onSaslFailed(client, event.reason, event.message));
    client.on('loggedin', (event) => this.onLoggedIn(client, event.account));
    client.on('cap ls', (event) => this.onCaps(client, event.capabilities));
    client.on('cap new', (event) => this.onCaps(client, event.capabilities));
    client.on('notice', (event) => this.onNotice(client, event.nick, event.message));
    client.on('ping timeout', () => {
      this.failure ??= pingTimeout(this.options.pingTimeoutSeconds);
    });
    client.on('raw socket connected', (socket) => this.watchSocket(client, socket));
    client.on('socket close', (err) => {
      if (err) this.socketError = err;
    });
    let linesIn = 0;
    client.on('raw', (event) => {
      if (event.from_server) {
        if (++linesIn % CHECK_EVERY_LINES === 0) this.trimReplies(client);
        this.receivedAny = true;
        // A port that is not IRC (HTTP, SSH, Redis…) fails at its first line, not at the registration timeout.
        if (this.state === 'connecting' && !looksLikeIrc(event.line)) this.fail(client, notIrc(event.line, this.target));
      }
      // irc-framework reports each line as it writes it; the queue's own are marked by writeLine.
      if (!event.from_server && !this.writingQueued && client === this.client) this.emit('ownLine', event.line);
    });
    client.on('close', () => this.onClose(client));
  }

  /** Rejoins `channel` after the rejoin delay unless already back by then; false when one is already scheduled. */
  private scheduleRejoin(channel: string): boolean {
    const key = channel.toLowerCase();
    if (this.rejoining.has(key)) return false;
    this.rejoining.add(key);
    this.connectionTimer(this.options.rejoinDelayMs ?? 5000, () => {
      this.rejoining.delete(key);
      if (!this.joined.has(key)) this.writeLine(`JOIN ${channel}`);
    });
    return true;
  }

  /** Drops irc-framework's unfinished multi-line replies that grew past their bound (see replyCaches). */
  private trimReplies(client: Client): void {
    const caches = replyCaches(client);
    if (!caches) return;
    for (const name of trimReplyCaches(caches)) this.emit('badLine', { reason: 'reply_overflow', line: name });
    const tokens = trimNetworkTokens(client);
    if (tokens > 0) this.emit('badLine', { reason: 'reply_overflow', line: `${tokens} ISUPPORT/CAP tokens` });
  }

  private onRegistered(client: Client, nick: string): void {
    if (client !== this.client) return;
    this.state = 'registered';
    this.registeredAt = performance.now();
    const old = this.identityNow.nick;
    this.identityNow = { nick };
    if (old !== nick) this.emit('nick', { old, new: nick });
    this.log.info({ nick, ...(this.failures.attempts > 0 ? { afterFailedAttempts: this.failures.attempts } : {}) }, 'registered on IRC');
    if (this.endpoint.tls && !this.verifying) {
      this.log.warn({ host: this.options.host, port: this.endpoint.port }, 'connected to IRC over TLS WITHOUT checking the server certificate (IRC_TLS_VERIFY=false): anyone on the path can read and change this connection');
    }
    this.emit('registered', { nick });
    if (!this.afterRegistration(client, nick)) return;
    if (nick !== this.wantedNick) this.scheduleRegain();
  }

  /**
   * Login after registration: a required SASL login that did not happen ends
   * the connection; otherwise NickServ IDENTIFY (when SASL did not log in)
   * and GHOST/REGAIN (when the nick is taken), then the joins — after the
   * NickServ login when login is required. False when the connection is ending.
   */
  private afterRegistration(client: Client, nick: string): boolean {
    const { sasl, nickserv, loginRequired } = this.options;
    if (loginRequired && sasl && !this.loggedIn) {
      const text = saslFailureText('capability_missing', sasl.mechanism);
      this.fail(client, saslRequiredFailure(`registered without a SASL ${sasl.mechanism} login: ${text.why}; IRC_SASL_REQUIRED=true, so the bot does not join unidentified`, text.hint));
      return false;
    }
    const identify = nickserv?.password !== undefined && !this.loggedIn;
    if (identify) this.serviceCommand(client, nickserv.identify);
    if (nickserv && nickserv.regain !== '' && nick.toLowerCase() !== this.options.nick.toLowerCase() && (this.loggedIn || nickserv.password !== undefined)) {
      this.serviceCommand(client, nickserv.regain);
      this.regainSent = true;
    }
    if (loginRequired && identify) {
      this.waitingForLogin = true;
      const ms = this.options.identifyTimeoutMs ?? 15_000;
      this.connectionTimer(ms, () => {
        if (client !== this.client || !this.waitingForLogin) return;
        const said = this.lastServiceNotice ? `; ${nickserv.service} said: ${JSON.stringify(this.lastServiceNotice)}` : '';
        this.fail(
          client,
          nickservFailure(
            `${nickserv.service} did not confirm the login within ${Math.round(ms / 1000)} s${said}; IRC_SASL_REQUIRED=true, so the bot does not join unidentified`,
            'check IRC_NICKSERV_PASSWORD (and IRC_NICKSERV_IDENTIFY, IRC_NICKSERV_NICK for this network)',
          ),
        );
      });
      return true;
    }
    this.joinWanted();
    return true;
  }

  /** Whether `line` is one of the bot's own NickServ commands (IDENTIFY, GHOST: they carry the password). */
  private isServiceCommand(line: string): boolean {
    const service = this.options.nickserv?.service;
    return service !== undefined && line.toLowerCase().startsWith(`privmsg ${service.toLowerCase()} :`);
  }

  /** Sends a NickServ command (template filled in) straight to the socket; never logged. */
  private serviceCommand(client: Client, template: string): void {
    const nickserv = this.options.nickserv;
    if (!nickserv) return;
    client.raw(serviceLine(nickserv.service, renderCommand(template, { nick: this.options.nick, password: nickserv.password ?? '' })));
  }

  private onNotice(client: Client, from: string | undefined, message: string): void {
    const service = this.options.nickserv?.service.split('@')[0].toLowerCase();
    if (client !== this.client || service === undefined || from?.toLowerCase() !== service) return;
    this.lastServiceNotice = cleanNotice(message);
    this.log.debug({ from, notice: this.lastServiceNotice }, 'notice from the nick service');
    if (this.regainSent && this.isRegistered && this.identityNow.nick.toLowerCase() !== this.options.nick.toLowerCase()) {
      // The answer to GHOST/REGAIN: the nick should be free now (REGAIN may already have renamed us).
      this.regainSent = false;
      this.writeLine(`NICK ${this.options.nick}`);
    }
  }

  private onLoggedIn(client: Client, account: string): void {
    if (client !== this.client) return;
    this.loggedIn = true;
    this.log.info({ account }, 'logged in to services');
    if (this.waitingForLogin && this.state === 'registered') {
      this.waitingForLogin = false;
      this.joinWanted();
    }
  }

  private onSaslFailed(client: Client, reason: string, serverText: string | undefined): void {
    if (client !== this.client) return;
    const mechanism = this.options.sasl?.mechanism ?? 'PLAIN';
    const offered = client.network.cap.available.get('sasl') || undefined;
    if (!this.options.loginRequired) {
      this.log.error({ reason, server: serverText, mechanism }, saslFailureMessage(reason, mechanism, offered));
      return;
    }
    const text = saslFailureText(reason, mechanism, offered);
    const why = text.why.startsWith('(') ? `failed ${text.why}` : text.why;
    this.fail(client, saslRequiredFailure(`SASL ${mechanism} did not log the bot in: ${why}; IRC_SASL_REQUIRED=true, so the bot disconnects instead of joining unidentified`, text.hint));
  }

  /** An `sts` capability on CAP LS/NEW: upgrade a plain-text connection, remember a policy seen over verified TLS. */
  private onCaps(client: Client, capabilities: Record<string, string>): void {
    if (client !== this.client || !Object.hasOwn(capabilities, 'sts')) return;
    // An unverified TLS connection proves nothing about who sent the policy.
    if (this.endpoint.tls && !this.verifying) return;
    const action = this.sts.advertised(capabilities.sts, { port: this.endpoint.port, secure: this.endpoint.tls });
    if (action.kind === 'upgrade') this.fail(client, stsUpgrade(this.target, action.port));
  }

  private joinWanted(): void {
    if (this.state !== 'registered') return;
    const channels = this.wantedChannels;
    if (channels.length === 0) {
      this.maybeReady();
      return;
    }
    // Several channels per JOIN line keeps the burst small; stay far below 512 bytes.
    let batch: string[] = [];
    const flush = () => {
      if (batch.length) this.writeLine(`JOIN ${batch.join(',')}`);
      batch = [];
    };
    for (const channel of channels) {
      if (batch.join(',').length + channel.length > 400) flush();
      batch.push(channel);
    }
    flush();
    this.connectionTimer(this.options.joinTimeoutMs ?? 10_000, () => {
      if (this.state === 'registered') {
        this.log.warn({ missing: this.wantedChannels.filter((c) => !this.joined.has(c.toLowerCase())) }, 'not every channel could be joined; going on');
        this.becomeReady();
      }
    });
  }

  /** Called on each own JOIN (and failed JOIN): ready once every wanted channel is settled. */
  private maybeReady(failedChannel?: string): void {
    if (this.state !== 'registered') return;
    const failed = failedChannel?.toLowerCase();
    const pending = [...this.wanted.keys()].filter((key) => !this.joined.has(key) && key !== failed);
    if (pending.length === 0) this.becomeReady();
  }

  private becomeReady(): void {
    this.state = 'ready';
    this.emit('ready', { nick: this.identityNow.nick, channels: this.channels });
  }

  private onNickRejected(client: Client): void {
    if (client !== this.client || this.state !== 'connecting') return;
    const next = alternativeNick(this.wantedNick, this.nickAttempt++, 30, this.random);
    this.log.warn({ wanted: this.wantedNick, trying: next }, 'nick unavailable; trying another');
    client.raw(`NICK ${next}`);
  }

  private onNick(client: Client, oldNick: string, newNick: string): void {
    if (client !== this.client) return;
    if (this.isMe(oldNick)) {
      this.identityNow = { ...this.identityNow, nick: newNick };
      this.emit('nick', { old: oldNick, new: newNick });
      return;
    }
    this.maybeRegain(oldNick);
  }

  /** Someone holding our wanted nick left it: take it at once. */
  private maybeRegain(freedNick: string): void {
    if (!this.isRegistered || this.identityNow.nick === this.wantedNick) return;
    if (freedNick.toLowerCase() === this.wantedNick.toLowerCase()) this.writeLine(`NICK ${this.wantedNick}`);
  }

  private scheduleRegain(): void {
    this.connectionTimer(this.options.nickRegainMs ?? 30_000, () => {
      if (!this.isRegistered || this.identityNow.nick === this.wantedNick) return;
      this.writeLine(`NICK ${this.wantedNick}`);
      this.scheduleRegain();
    });
  }

  private onClose(client: Client): void {
    if (client !== this.client) return;
    const wasRegistered = this.isRegistered;
    this.clearTimers(this.connectionTimers);
    client.removeAllListeners();
    this.joined.clear();
    if (this.state === 'stopped') return;
    const failure =
      this.failure ?? (this.socketError ? classifySocketError(this.socketError, this.target) : closedWithoutReason(this.target, wasRegistered));
    this.state = 'waiting';
    this.emit('disconnected', { reason: failure.message, cause: failure.cause });
    if (failure.cause === 'sts_upgrade') {
      // Not a failure: straight back, with TLS (StsPolicies now names the port).
      this.log.info({ host: this.options.host, from: this.endpoint.port, to: this.sts.endpoint({ port: this.options.port, tls: this.options.tls }).port }, failure.message);
      this.registeredAt = undefined;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.state === 'waiting') this.connect();
      }, 0);
      this.timers.add(timer);
      return;
    }
    // The backoff starts over only after a connection that stayed up a while (see attemptAfterClose).
    const registeredForMs = this.registeredAt === undefined ? undefined : performance.now() - this.registeredAt;
    this.attempt = attemptAfterClose(this.attempt, registeredForMs);
    // So does the failure log: an outage after hours of service is news, not "still failing".
    if (registeredForMs !== undefined && registeredForMs >= STABLE_CONNECTION_MS) this.failures.reset();
    this.registeredAt = undefined;
    const delayMs = backoffDelay(this.attempt, { minMs: this.options.reconnectMinMs, maxMs: this.options.reconnectMaxMs }, this.random);
    this.attempt++;
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.failures.failed(failure, delayMs);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.state === 'waiting') this.connect();
    }, delayMs);
    this.timers.add(timer);
  }

  private isMe(nick: string | undefined): boolean {
    return typeof nick === 'string' && nick.toLowerCase() === this.identityNow.nick.toLowerCase();
  }

  private connectionTimer(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.connectionTimers.delete(timer);
      fn();
    }, ms);
    this.connectionTimers.add(timer);
  }

  private clearTimers(timers: Set<NodeJS.Timeout>): void {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  }
}

/** A channel name from a server line, fit to be written back in a JOIN (a malformed line may have none). */
function validChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && /^[#&+!][^\s,\x00\x07]{1,199}$/.test(channel);
}

/** A services notice fit for a log field and an error message. */
function cleanNotice(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** A cap's value as irc-framework keeps it ('' when it has none). */
function capValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
