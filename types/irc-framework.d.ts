/**
 * The part of irc-framework 4.14 that zenrelay uses. The package ships no
 * types; these describe the events and options as its source defines them.
 */
declare module 'irc-framework' {
  export interface ClientOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    password?: string;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    account?: { account?: string; password?: string };
    /** `EXTERNAL` for a client-certificate login (irc-framework sends `AUTHENTICATE +`); default PLAIN. */
    sasl_mechanism?: string;
    version?: string | null;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    enable_echomessage?: boolean;
    /** Request the IRCv3 chghost cap and emit 'user updated' on CHGHOST. */
    enable_chghost?: boolean;
    encoding?: string;
    /** The transport class; irc-framework creates one per connection with the client options. */
    transport?: new (options: unknown) => unknown;
  }

  /** Fields common to events that come from a user's prefix. */
  export interface SourceEvent {
    nick: string;
    ident?: string;
    hostname?: string;
    account?: string | false;
    time?: number;
    tags?: Record<string, string>;
  }

  export interface MessageEvent extends SourceEvent {
    type?: 'privmsg' | 'notice' | 'action';
    from_server: boolean;
    target: string;
    message: string;
  }

  export interface CtcpRequestEvent extends SourceEvent {
    from_server: boolean;
    target: string;
    type: string | null;
    message: string;
  }

  export interface JoinEvent extends SourceEvent {
    channel: string;
    gecos?: string;
  }

  export interface PartEvent extends SourceEvent {
    channel: string;
    message: string;
  }

  export interface KickEvent extends SourceEvent {
    channel: string;
    kicked: string;
    message: string;
  }

  export interface QuitEvent extends SourceEvent {
    message: string;
  }

  export interface NickEvent extends SourceEvent {
    new_nick: string;
  }

  export interface TopicEvent {
    channel: string;
    topic: string;
    nick?: string;
    time?: number;
    tags?: Record<string, string>;
  }

  export interface TopicSetByEvent {
    nick: string;
    ident?: string;
    hostname?: string;
    channel: string;
    when: string;
  }

  export interface UserlistEvent {
    channel: string;
    users: Array<{ nick: string; ident?: string; hostname?: string; modes: string[] }>;
  }

  export interface ModeEvent {
    target: string;
    nick?: string;
    modes: Array<{ mode: string; param?: string }>;
  }

  /** RPL_ENDOFWHOIS, with what the other WHOIS replies said; `error: 'not_found'` when there is no such nick. */
  export interface WhoisEvent {
    nick: string;
    error?: string;
    ident?: string;
    hostname?: string;
    real_name?: string;
    account?: string;
    server?: string;
    server_info?: string;
    channels?: string;
    idle?: string;
    operator?: string;
    away?: string;
    secure?: boolean;
    /** RPL_WHOISBOT (335): the user is a bot. */
    bot?: string;
  }

  export interface RegisteredEvent {
    nick: string;
  }

  export interface NickInUseEvent {
    nick: string;
    reason: string;
  }

  export interface RawEvent {
    line: string;
    from_server: boolean;
  }

  export interface IrcErrorEvent {
    error: string;
    reason?: string;
    channel?: string;
    nick?: string;
  }

  export interface ClientEvents {
    registered: [RegisteredEvent];
    privmsg: [MessageEvent];
    action: [MessageEvent];
    notice: [MessageEvent];
    'ctcp request': [CtcpRequestEvent];
    join: [JoinEvent];
    part: [PartEvent];
    kick: [KickEvent];
    quit: [QuitEvent];
    nick: [NickEvent];
    topic: [TopicEvent];
    topicsetby: [TopicSetByEvent];
    userlist: [UserlistEvent];
    mode: [ModeEvent];
    whois: [WhoisEvent];
    'nick in use': [NickInUseEvent];
    'nick invalid': [NickInUseEvent];
    'irc error': [IrcErrorEvent];
    'sasl failed': [{ reason: string; message?: string }];
    loggedin: [{ account: string }];
    /** IRCv3 ACCOUNT (account-notify), and the bot's own RPL_LOGGEDIN/OUT: `account` false when logged out. */
    account: [{ nick?: string; account?: string | false }];
    raw: [RawEvent];
    /** RPL_HOSTCLOAKING (396): `hostname` is the new visible host (some servers send user@host). */
    'displayed host': [{ nick?: string; hostname?: string }];
    /** IRCv3 CHGHOST (and SETNAME, which has no new_ident/new_hostname). */
    'user updated': [{ nick?: string; new_ident?: string; new_hostname?: string }];
    'socket close': [Error | false | undefined];
    /** The TCP connection is up (before any TLS handshake); the socket is irc-framework's. */
    'raw socket connected': [import('node:net').Socket];
    /** The connection is ready for IRC (after the TLS handshake, when TLS is on). */
    'socket connected': [];
    close: [boolean];
    'ping timeout': [];
    /** One CAP LS (or NEW) line's capabilities, name → value ('' when it has none; a null-prototype object). */
    'cap ls': [{ command: string; capabilities: Record<string, string> }];
    'cap new': [{ command: string; capabilities: Record<string, string> }];
    debug: [string];
  }

  export class Client {
    constructor(options?: Partial<ClientOptions>);
    connect(options?: ClientOptions): void;
    readonly connected: boolean;
    user: { nick: string; username: string; host: string; away: boolean };
    network: {
      options: Record<string, unknown> & { PREFIX?: Array<{ symbol: string; mode: string }> };
      cap: { isEnabled(cap: string): boolean; enabled: string[]; available: Map<string, string> };
      supports(feature: string): unknown;
    };
    connection: { end(data?: string, hadError?: boolean): void; connected: boolean };
    on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    once<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    off<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    raw(line: string): void;
    /** Asks for more IRCv3 capabilities at the next connect (requested only when the server offers them). */
    requestCap(cap: string | string[]): void;
    quit(message?: string): void;
    caseLower(text: string): string;
    caseCompare(a: string, b: string): boolean;
    removeAllListeners(event?: string): this;
  }
}

/** irc-framework's TCP/TLS transport, which zenrelay subclasses to guard the line stream. */
declare module 'irc-framework/src/transports/net' {
  import { EventEmitter } from 'node:events';
  class NetTransport extends EventEmitter {
    constructor(options: unknown);
    connect(): void;
    isConnected(): boolean;
    /** Called with each chunk the socket receives; emits 'line' per line. */
    onSocketData(data: Buffer): void;
    writeLine(line: string, cb?: () => void): void;
  }
  export = NetTransport;
}

declare module 'irc-framework/src/irclineparser' {
  namespace parseIrcLine {
    /** A line as irc-framework's parser returns it (an IrcMessage). */
    interface ParsedIrcLine {
      tags: Record<string, string | true>;
      prefix: string;
      nick: string;
      ident: string;
      hostname: string;
      command: string;
      params: string[];
    }
  }
  /** irc-framework's own line parser (what its connection runs on every line). */
  function parseIrcLine(line: string): parseIrcLine.ParsedIrcLine;
  export = parseIrcLine;
}
