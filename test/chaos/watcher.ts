/**
 * The chaos run's IRC user: a real raw-socket user (the test harness's
 * IrcUser) in the channel, counting the numbered lines the bot says. When
 * its connection drops (ngircd killed) it reconnects and rejoins at once,
 * every 100 ms, well before the bot (whose reconnect backoff starts at
 * seconds), so it sees everything the bot says after a restart.
 */
import { connectUser, type IrcUser } from '../harness/ircUser';
import type { ParsedLine } from '../harness/ircParse';
import { delay } from '../harness/waitFor';

export interface WatcherOptions {
  host: string;
  port: () => number;
  nick: string;
  channel: string;
  botNick: string;
  /** Called for every PRIVMSG the bot says in the channel (under its nick or a fallback such as `<nick>_`). */
  onBotLine(text: string, at: number): void;
}

export class Watcher {
  private user: IrcUser | undefined;
  private stopped = false;
  private joined = false;
  /** How many times the connection was (re)established. */
  connections = 0;
  readonly running: Promise<void>;

  constructor(private readonly options: WatcherOptions) {
    this.running = this.loop();
  }

  /** True while connected and in the channel. */
  get ready(): boolean {
    return this.joined && this.user !== undefined && !this.user.isClosed;
  }

  /** Says `text` in the channel; false when not connected (nothing sent). */
  say(text: string): boolean {
    if (!this.ready || !this.user) return false;
    this.user.say(this.options.channel, text);
    return true;
  }

  /** Resolves once the watcher has seen `nick` join the channel. */
  async waitForJoin(nick: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = (): boolean => this.joins.some((j) => j.toLowerCase() === nick.toLowerCase());
    while (!seen()) {
      if (Date.now() > deadline) throw new Error(`${nick} did not join ${this.options.channel} within ${timeoutMs} ms`);
      await delay(50);
    }
  }

  private readonly joins: string[] = [];

  async stop(): Promise<void> {
    this.stopped = true;
    this.user?.destroy();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let user: IrcUser;
      try {
        user = await connectUser({ host: this.options.host, port: this.options.port(), nick: this.options.nick, timeoutMs: 5000 });
        await user.join(this.options.channel, 5000);
      } catch {
        await delay(100);
        continue;
      }
      this.user = user;
      this.joined = true;
      this.connections++;
      const since = user.lines.length;
      await user
        .waitFor((l) => this.onLine(l), 24 * 3600 * 1000, since)
        .catch(() => undefined); // ends when the connection closes
      this.joined = false;
      user.destroy();
      if (!this.stopped) await delay(100);
    }
  }

  private onLine(l: ParsedLine): boolean {
    const nick = (l.nick ?? '').toLowerCase();
    if (l.command === 'JOIN' && l.params[0]?.toLowerCase() === this.options.channel.toLowerCase()) this.joins.push(l.nick ?? '');
    if (l.command === 'PRIVMSG' && nick.startsWith(this.options.botNick.toLowerCase()) && l.params[0]?.toLowerCase() === this.options.channel.toLowerCase()) {
      this.options.onBotLine(l.params[1] ?? '', performance.now());
    }
    return this.stopped;
  }
}
