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
    version?: string | null;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    enable_echomessage?: boolean;
    encoding?: string;
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
    'nick in use': [NickInUseEvent];
    'nick invalid': [NickInUseEvent];
    'irc error': [IrcErrorEvent];
    'sasl failed': [{ reason: string; message?: string }];
    loggedin: [{ account: string }];
    raw: [RawEvent];
    'socket close': [Error | false | undefined];
    close: [boolean];
    'ping timeout': [];
    debug: [string];
  }

  export class Client {
    constructor(options?: Partial<ClientOptions>);
    connect(options?: ClientOptions): void;
    readonly connected: boolean;
    user: { nick: string; username: string; host: string; away: boolean };
    network: {
      options: Record<string, unknown> & { PREFIX?: Array<{ symbol: string; mode: string }> };
      cap: { isEnabled(cap: string): boolean; enabled: string[] };
      supports(feature: string): unknown;
    };
    connection: { end(data?: string, hadError?: boolean): void; connected: boolean };
    on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    once<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    raw(line: string): void;
    /** Asks for more IRCv3 capabilities at the next connect (requested only when the server offers them). */
    requestCap(cap: string | string[]): void;
    quit(message?: string): void;
    caseLower(text: string): string;
    caseCompare(a: string, b: string): boolean;
    removeAllListeners(event?: string): this;
  }
}
