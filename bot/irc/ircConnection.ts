import { EventEmitter } from 'node:events';
import { Client, ClientOptions } from 'irc-framework';
import type { Logger } from '../log';
import { attemptAfterClose, backoffDelay } from './backoff';
import { alternativeNick } from './nicks';
import { saslFailureMessage } from './sasl';

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
  sasl?: { account: string; password: string };
  channels: string[];
  reconnectMinMs: number;
  reconnectMaxMs: number;
  pingTimeoutSeconds: number;
  /** How often to try to take the wanted nick back while using another one. */
  nickRegainMs?: number;
  /** Give up on a connection attempt that has not registered by then. */
  registrationTimeoutMs?: number;
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
  disconnected: [{ reason: string }];
  reconnecting: [{ attempt: number; delayMs: number }];
  /**
   * A line went out that the send queue did not write: registration, PONG,
   * PING, JOIN, NICK. The server counts it against the flood limit all the same.
   */
  ownLine: [string];
}

type State = 'idle' | 'connecting' | 'registered' | 'ready' | 'waiting' | 'stopped';

export class IrcConnection extends EventEmitter<IrcConnectionEvents> {
  private client: Client | undefined;
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
  private lastDisconnectReason = '';
  /** True while writeLine hands a send-queue line to the client. */
  private writingQueued = false;

  constructor(
    private readonly options: IrcConnectionOptions,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    super();
    this.identityNow = { nick: options.nick };
    for (const channel of options.channels) this.wanted.set(channel.toLowerCase(), channel);
  }

  get isReady(): boolean {
    return this.state === 'ready';
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

  /** Whether an IRCv3 capability was negotiated on the current connection. */
  hasCap(cap: string): boolean {
    return this.client?.network.cap.isEnabled(cap) ?? false;
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
    this.writingQueued = true;
    try {
      this.client.raw(line);
    } finally {
      this.writingQueued = false;
    }
    return true;
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
    const client = new Client();
    this.client = client;
    this.bindLifecycle(client);
    this.emit('client', client);
    this.connectionTimer(this.options.registrationTimeoutMs ?? 60_000, () => {
      if (this.state === 'connecting') {
        this.log.warn({ host: this.options.host }, 'IRC registration timed out; reconnecting');
        client.connection.end(undefined, true);
      }
    });
    client.connect(this.clientOptions());
    this.log.info({ host: this.options.host, port: this.options.port, attempt: this.attempt }, 'connecting to IRC');
  }

  private clientOptions(): ClientOptions {
    const { options } = this;
    const pingTimeout = options.pingTimeoutSeconds;
    return {
      host: options.host,
      port: options.port,
      tls: options.tls,
      rejectUnauthorized: options.tlsVerify,
      nick: options.nick,
      username: options.username,
      gecos: options.realname,
      password: options.password,
      // An account object without credentials stops irc-framework from reusing the server password for SASL.
      account: options.sasl ? { account: options.sasl.account, password: options.sasl.password } : {},
      // CTCP VERSION is answered through the send queue, not straight to the socket.
      version: null,
      auto_reconnect: false,
      ping_interval: Math.max(2, Math.min(30, Math.floor(pingTimeout / 2))),
      ping_timeout: pingTimeout,
      encoding: 'utf8',
    };
  }

  private bindLifecycle(client: Client): void {
    client.on('registered', (event) => this.onRegistered(client, event.nick));
    client.on('nick in use', () => this.onNickRejected(client));
    client.on('nick invalid', () => this.onNickRejected(client));
    client.on('nick', (event) => this.onNick(client, event.nick, event.new_nick));
    client.on('join', (event) => {
      if (!this.isMe(event.nick)) return;
      this.identityNow = { nick: this.identityNow.nick, user: event.ident, host: event.hostname };
      const key = event.channel.toLowerCase();
      this.joined.set(key, event.channel);
      this.wanted.set(key, event.channel);
      this.maybeReady();
    });
    client.on('part', (event) => {
      if (!this.isMe(event.nick)) return;
      const key = event.channel.toLowerCase();
      this.joined.delete(key);
      this.wanted.delete(key);
    });
    client.on('kick', (event) => {
      if (!this.isMe(event.kicked)) return;
      this.joined.delete(event.channel.toLowerCase());
      this.log.warn({ channel: event.channel, by: event.nick, reason: event.message }, 'kicked; will rejoin');
      this.connectionTimer(this.options.rejoinDelayMs ?? 5000, () => this.writeLine(`JOIN ${event.channel}`));
    });
    client.on('quit', (event) => this.maybeRegain(event.nick));
    client.on('irc error', (event) => {
      // After our own QUIT the server's "ERROR :Closing link" is the expected goodbye, not a problem.
      if (this.state === 'stopped') return;
      if (event.error === 'password_mismatch') {
        this.log.error({ reason: event.reason }, 'the IRC server rejected the server password; check IRC_PASSWORD');
        return;
      }
      this.log.warn({ error: event.error, reason: event.reason, channel: event.channel }, 'IRC error reply');
      if (event.channel && this.state === 'registered') this.maybeReady(event.channel);
    });
    client.on('sasl failed', (event) => this.log.error({ reason: event.reason, server: event.message }, saslFailureMessage(event.reason)));
    client.on('loggedin', (event) => this.log.info({ account: event.account }, 'logged in to services'));
    client.on('ping timeout', () => {
      this.lastDisconnectReason = 'ping timeout';
      this.log.warn({ seconds: this.options.pingTimeoutSeconds }, 'IRC ping timeout; reconnecting');
    });
    client.on('raw', (event) => {
      if (event.from_server && event.line.startsWith('ERROR')) this.lastDisconnectReason = event.line;
      // irc-framework reports each line as it writes it; the queue's own are marked by writeLine.
      if (!event.from_server && !this.writingQueued && client === this.client) this.emit('ownLine', event.line);
    });
    client.on('close', () => this.onClose(client));
  }

  private onRegistered(client: Client, nick: string): void {
    if (client !== this.client) return;
    this.state = 'registered';
    this.registeredAt = performance.now();
    const old = this.identityNow.nick;
    this.identityNow = { nick };
    if (old !== nick) this.emit('nick', { old, new: nick });
    this.log.info({ nick }, 'registered on IRC');
    this.emit('registered', { nick });
    this.joinWanted();
    if (nick !== this.options.nick) this.scheduleRegain();
  }

  private joinWanted(): void {
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
    const next = alternativeNick(this.options.nick, this.nickAttempt++, 30, this.random);
    this.log.warn({ wanted: this.options.nick, trying: next }, 'nick unavailable; trying another');
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
    if (!this.isRegistered || this.identityNow.nick === this.options.nick) return;
    if (freedNick.toLowerCase() === this.options.nick.toLowerCase()) this.writeLine(`NICK ${this.options.nick}`);
  }

  private scheduleRegain(): void {
    this.connectionTimer(this.options.nickRegainMs ?? 30_000, () => {
      if (!this.isRegistered || this.identityNow.nick === this.options.nick) return;
      this.writeLine(`NICK ${this.options.nick}`);
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
    const reason = this.lastDisconnectReason || 'connection closed';
    this.lastDisconnectReason = '';
    this.state = 'waiting';
    if (wasRegistered) this.log.warn({ reason }, 'disconnected from IRC');
    this.emit('disconnected', { reason });
    // The backoff starts over only after a connection that stayed up a while (see attemptAfterClose).
    this.attempt = attemptAfterClose(this.attempt, this.registeredAt === undefined ? undefined : performance.now() - this.registeredAt);
    this.registeredAt = undefined;
    const delayMs = backoffDelay(this.attempt, { minMs: this.options.reconnectMinMs, maxMs: this.options.reconnectMaxMs }, this.random);
    this.attempt++;
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.log.info({ attempt: this.attempt, delayMs, reason }, 'reconnecting to IRC');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.state === 'waiting') this.connect();
    }, delayMs);
    this.timers.add(timer);
  }

  private isMe(nick: string | undefined): boolean {
    return nick !== undefined && nick.toLowerCase() === this.identityNow.nick.toLowerCase();
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
