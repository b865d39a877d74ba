/**
 * A minimal raw-socket IRC client standing in for a human user in tests.
 * No IRC library: every byte sent and received is visible (`sent`, `lines`).
 *
 * Waiting: every received line is kept in `lines`. `waitFor`/`waitForCount`
 * look at lines from a start index on, already-received ones included, and
 * then at new ones. The start index defaults to the last `mark()` (0 before
 * any mark), so the usual pattern is
 *
 *     bob.mark();
 *     await alice.say('#test', 'hi');
 *     await bob.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'hi');
 *
 * Waiting fails fast, with the last lines received, when the connection
 * closes or the timeout passes.
 */
import { Socket, connect } from 'node:net';
import { parseLine, type ParsedLine } from './ircParse';

export interface ConnectUserOptions {
  host: string;
  port: number;
  nick: string;
  /** IRCv3 caps to request (CAP LS 302 / CAP REQ / CAP END); fails if one is not offered or NAKed. */
  caps?: string[];
  /** USER name; default derived from the nick. */
  username?: string;
  realname?: string;
  /** Server password (PASS), for a server that has one. */
  password?: string;
  /** Time allowed for connect + registration (001). Default 15000. */
  timeoutMs?: number;
}

/** A PRIVMSG as seen by the user. */
export interface PrivMsg {
  from: string;
  target: string;
  text: string;
  tags: Record<string, string>;
  line: ParsedLine;
}

type Step<T> = (line: ParsedLine) => T | undefined;

interface Waiter {
  step: Step<unknown>;
  resolve(value: unknown): void;
  reject(err: Error): void;
  description: string;
  timer: NodeJS.Timeout;
}

const NICK_ERRORS = new Set(['431', '432', '433', '436', '437']);
const JOIN_ERRORS = new Set(['403', '405', '437', '471', '473', '474', '475', '476', '477', '479', '489', '520']);

/** Connects, optionally negotiates caps, and resolves once 001 arrives. */
export async function connectUser(opts: ConnectUserOptions): Promise<IrcUser> {
  const user = new IrcUser(opts);
  try {
    await user.register(opts);
  } catch (err) {
    user.destroy();
    throw err;
  }
  return user;
}

export class IrcUser {
  /** Current nick (as confirmed by 001). */
  nick: string;
  readonly host: string;
  readonly port: number;
  /** Every line received, in order. */
  readonly lines: ParsedLine[] = [];
  /** Every line sent (without CRLF), in order. */
  readonly sent: string[] = [];
  /** Caps the server ACKed. */
  readonly caps = new Set<string>();
  /** Caps the server offered in CAP LS (name -> value, "" if none). */
  readonly offeredCaps = new Map<string, string>();
  /** Resolves (never rejects) with the reason once the connection is closed, e.g. "Closing link: (...) [Excess Flood]". */
  readonly closed: Promise<string>;

  private readonly socket: Socket;
  private readonly connected: Promise<void>;
  private readonly waiters = new Set<Waiter>();
  private buffer: Buffer = Buffer.alloc(0);
  private markIndex = 0;
  private corked = false;
  private errorText: string | undefined;
  private socketError: string | undefined;
  private localReason: string | undefined;
  private reason: string | undefined;

  constructor(opts: ConnectUserOptions) {
    this.nick = opts.nick;
    this.host = opts.host;
    this.port = opts.port;
    this.socket = connect({ host: opts.host, port: opts.port });
    this.socket.setNoDelay(true);
    this.connected = new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', (err) => reject(new Error(`${this.label()}: cannot connect: ${err.message}`)));
    });
    this.connected.catch(() => undefined);
    this.closed = new Promise<string>((resolve) => {
      this.socket.on('error', (err) => {
        this.socketError ??= err.message;
      });
      this.socket.on('close', () => {
        this.onData(Buffer.from('\n')); // flush a last line that lacked its newline
        this.reason = this.errorText ?? this.localReason ?? this.socketError ?? 'connection closed by server';
        for (const waiter of [...this.waiters]) {
          this.settle(waiter, new Error(`${this.label()}: connection closed (${this.reason}) while waiting for ${waiter.description}${this.recentLines()}`));
        }
        resolve(this.reason);
      });
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** True once the connection is closed. */
  get isClosed(): boolean {
    return this.reason !== undefined;
  }

  /** Why the connection closed (undefined while open). */
  get closeReason(): string | undefined {
    return this.reason;
  }

  /** Makes later waits start after the lines received so far; returns that index. */
  mark(): number {
    this.markIndex = this.lines.length;
    return this.markIndex;
  }

  /** Sends one raw line; CRLF is added. Refuses CR/LF inside the line. */
  send(line: string): void {
    if (/[\r\n]/.test(line)) throw new Error(`${this.label()}: line contains CR/LF: ${JSON.stringify(line)}`);
    this.sendRaw(`${line}\r\n`);
  }

  /** Writes bytes exactly as given (no CRLF added), e.g. several lines in one write. */
  sendRaw(data: string | Buffer): void {
    if (this.reason !== undefined || this.socket.destroyed) {
      throw new Error(`${this.label()}: cannot send, connection closed (${this.reason ?? 'destroyed'})`);
    }
    const text = typeof data === 'string' ? data : data.toString('utf8');
    for (const line of text.split(/\r?\n/)) if (line !== '') this.sent.push(line);
    // Everything sent in one tick goes out in one writev: a burst reaches the
    // server at once, as from a real client, and no half-sent burst is left to
    // fail with EPIPE (which would hide the server's ERROR line) after a kill.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(data);
  }

  /** PRIVMSG target :text */
  say(target: string, text: string): void {
    this.send(`PRIVMSG ${target} :${text}`);
  }

  /** Joins and resolves once the server echoed our JOIN and sent end of NAMES (366). */
  async join(channel: string, timeoutMs = 10000): Promise<void> {
    const since = this.lines.length;
    const wanted = channel.toLowerCase();
    this.send(`JOIN ${channel}`);
    let echoed = false;
    await this.addWaiter(`JOIN ${channel} echo and 366`, timeoutMs, since, (l) => {
      if (JOIN_ERRORS.has(l.command) && l.params[1]?.toLowerCase() === wanted) {
        throw new Error(`${this.label()}: cannot join ${channel}: ${l.raw}`);
      }
      if (l.command === 'JOIN' && sameNick(l.nick, this.nick) && l.params[0]?.toLowerCase() === wanted) echoed = true;
      return echoed && l.command === '366' && l.params[1]?.toLowerCase() === wanted ? true : undefined;
    });
  }

  /** Resolves with the first line matching `predicate` at index >= `since` (default: last mark()). */
  waitFor(predicate: (line: ParsedLine) => boolean, timeoutMs = 10000, since = this.markIndex): Promise<ParsedLine> {
    return this.addWaiter(describe(predicate), timeoutMs, since, (l) => (predicate(l) ? l : undefined));
  }

  /** Resolves with the first `count` lines matching `predicate` at index >= `since` (default: last mark()). */
  waitForCount(
    predicate: (line: ParsedLine) => boolean,
    count: number,
    timeoutMs = 10000,
    since = this.markIndex,
  ): Promise<ParsedLine[]> {
    const found: ParsedLine[] = [];
    return this.addWaiter(`${count} x ${describe(predicate)}`, timeoutMs, since, (l) => {
      if (predicate(l)) found.push(l);
      return found.length >= count ? found : undefined;
    });
  }

  /** Sends WHOIS (after a mark()) and resolves with the reply lines up to its end (318). */
  async whois(nick: string, timeoutMs = 10000): Promise<ParsedLine[]> {
    const since = this.mark();
    this.send(`WHOIS ${nick}`);
    const wanted = nick.toLowerCase();
    const end = await this.waitFor((l) => l.command === '318' && l.params[1]?.toLowerCase() === wanted, timeoutMs, since);
    return this.lines.slice(since, end.index + 1);
  }

  /** PRIVMSGs received (from index `since`, default 0), optionally only those from nick `from`. */
  privmsgs(from?: string, since = 0): PrivMsg[] {
    return this.lines
      .slice(since)
      .filter((l) => l.command === 'PRIVMSG' && (from === undefined || sameNick(l.nick, from)))
      .map((l) => ({ from: l.nick ?? '', target: l.params[0] ?? '', text: l.params[1] ?? '', tags: l.tags, line: l }));
  }

  /** Sends QUIT, waits (max 5 s) for the server to close, then destroys. Resolves with the close reason. */
  async quit(reason = 'bye'): Promise<string> {
    if (this.reason === undefined && !this.socket.destroyed) {
      this.send(`QUIT :${reason}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
    }
    this.destroy();
    return this.closed;
  }

  /** Closes the socket at once. Pending waits reject. */
  destroy(): void {
    if (this.reason !== undefined) return;
    this.localReason ??= 'destroyed by test';
    this.socket.destroy();
  }

  /** Runs the registration; used by connectUser. */
  async register(opts: ConnectUserOptions): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 15000;
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    const caps = opts.caps ?? [];
    const username = opts.username ?? (opts.nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 9) || 'user');
    await this.connected;
    if (caps.length > 0) this.send('CAP LS 302');
    if (opts.password !== undefined) this.send(`PASS ${opts.password}`);
    this.send(`NICK ${opts.nick}`);
    this.send(`USER ${username} 0 * :${opts.realname ?? `zenrelay test user ${opts.nick}`}`);
    if (caps.length > 0) {
      await this.addWaiter('CAP LS reply', left(), 0, (l) => {
        this.checkRegistration(l);
        if (l.command === '421' && l.params[1]?.toUpperCase() === 'CAP') {
          throw new Error(`${this.label()}: server does not support CAP: ${l.raw}`);
        }
        if (l.command !== 'CAP' || l.params[1]?.toUpperCase() !== 'LS') return undefined;
        const more = l.params.length >= 4 && l.params[2] === '*';
        for (const item of (l.params[l.params.length - 1] ?? '').split(' ')) {
          if (item === '') continue;
          const eq = item.indexOf('=');
          this.offeredCaps.set(eq < 0 ? item : item.slice(0, eq), eq < 0 ? '' : item.slice(eq + 1));
        }
        return more ? undefined : true;
      });
      const missing = caps.filter((cap) => !this.offeredCaps.has(cap));
      if (missing.length > 0) {
        throw new Error(`${this.label()}: server does not offer cap(s) ${missing.join(', ')} (offered: ${[...this.offeredCaps.keys()].join(' ')})`);
      }
      const since = this.lines.length;
      this.send(`CAP REQ :${caps.join(' ')}`);
      const reply = await this.addWaiter('CAP ACK/NAK', left(), since, (l) => {
        this.checkRegistration(l);
        const sub = l.params[1]?.toUpperCase();
        return l.command === 'CAP' && (sub === 'ACK' || sub === 'NAK') ? l : undefined;
      });
      if (reply.params[1]?.toUpperCase() === 'NAK') throw new Error(`${this.label()}: caps refused: ${reply.raw}`);
      for (const cap of (reply.params[2] ?? '').split(' ')) if (cap !== '' && !cap.startsWith('-')) this.caps.add(cap);
      this.send('CAP END');
    }
    const welcome = await this.addWaiter('001 (registration)', left(), 0, (l) => {
      this.checkRegistration(l);
      return l.command === '001' ? l : undefined;
    });
    this.nick = welcome.params[0] ?? this.nick;
  }

  private checkRegistration(l: ParsedLine): void {
    if (NICK_ERRORS.has(l.command)) {
      const what = l.command === '433' ? 'is already in use' : 'was refused';
      throw new Error(`${this.label()}: nick "${this.nick}" ${what} on ${this.host}:${this.port}: ${l.raw}`);
    }
  }

  private addWaiter<T>(description: string, timeoutMs: number, since: number, step: Step<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        step,
        resolve: (value) => resolve(value as T),
        reject,
        description,
        timer: setTimeout(() => {
          this.settle(waiter, new Error(`${this.label()}: timed out after ${timeoutMs} ms waiting for ${description}${this.recentLines()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      for (let i = Math.max(0, since); i < this.lines.length && this.waiters.has(waiter); i++) {
        this.feed(waiter, this.lines[i]);
      }
      if (this.waiters.has(waiter) && this.reason !== undefined) {
        this.settle(waiter, new Error(`${this.label()}: connection already closed (${this.reason}) while waiting for ${description}${this.recentLines()}`));
      }
    });
  }

  private feed(waiter: Waiter, line: ParsedLine): void {
    try {
      const result = waiter.step(line);
      if (result !== undefined) this.settle(waiter, undefined, result);
    } catch (err) {
      this.settle(waiter, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private settle(waiter: Waiter, err: Error | undefined, value?: unknown): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    if (err) waiter.reject(err);
    else waiter.resolve(value);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (let nl = this.buffer.indexOf(0x0a); nl >= 0; nl = this.buffer.indexOf(0x0a)) {
      const bytes = nl + 1;
      const end = nl > 0 && this.buffer[nl - 1] === 0x0d ? nl - 1 : nl;
      const raw = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(bytes);
      if (raw !== '') this.onLine(raw, bytes);
    }
  }

  private onLine(raw: string, bytes: number): void {
    let line: ParsedLine;
    try {
      line = parseLine(raw, bytes, this.lines.length);
    } catch {
      return; // not IRC; nothing to keep
    }
    this.lines.push(line);
    if (line.command === 'PING' && !this.socket.destroyed) {
      this.socket.write(line.params.length > 0 ? `PONG :${line.params[line.params.length - 1]}\r\n` : 'PONG\r\n');
    }
    if (line.command === 'ERROR') this.errorText ??= line.params[0] ?? line.raw;
    if (line.command === 'NICK' && sameNick(line.nick, this.nick) && line.params[0]) this.nick = line.params[0];
    for (const waiter of [...this.waiters]) this.feed(waiter, line);
  }

  private label(): string {
    return `IrcUser ${this.nick}`;
  }

  private recentLines(): string {
    const last = this.lines.slice(-15).map((l) => `  <- ${l.raw}`);
    return last.length > 0 ? `\nlast lines received:\n${last.join('\n')}` : '\n(no lines received)';
  }
}

function sameNick(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function describe(predicate: (line: ParsedLine) => boolean): string {
  const source = predicate.toString().replace(/\s+/g, ' ');
  return source.length > 200 ? `${source.slice(0, 200)}...` : source;
}
