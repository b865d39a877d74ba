/**
 * Shared by the baseline processes: an irc-framework client connected and
 * joined the way zenrelay's bot uses it, and a line protocol on stdin/stdout
 * (the bench writes commands, the baseline prints one JSON line per answer).
 */
import { createInterface } from 'node:readline';
import { Client, type ClientEvents } from 'irc-framework';

export interface BaselineArgs {
  host: string;
  port: number;
  nick: string;
  channels: string[];
}

export function parseArgs(): BaselineArgs {
  const [host, port, nick, channels] = process.argv.slice(2);
  if (!host || !port || !nick) throw new Error('usage: <host> <port> <nick> [#a,#b]');
  return { host, port: Number(port), nick, channels: channels ? channels.split(',') : [] };
}

/** Connects, joins every channel, resolves once the last JOIN is confirmed. */
/** The parts of irc-framework's client our types/ leave out (zenrelay itself writes raw lines). */
export type FullClient = Client & { join(channel: string): void; say(target: string, message: string): void };

export function connectIrc(args: BaselineArgs): Promise<FullClient> {
  const client = new Client() as FullClient;
  return new Promise((resolve, reject) => {
    const pending = new Set(args.channels.map((c) => c.toLowerCase()));
    client.on('registered', () => {
      if (pending.size === 0) resolve(client);
      for (const channel of args.channels) client.join(channel);
    });
    client.on('join', (event: ClientEvents['join'][0]) => {
      if (event.nick !== client.user.nick) return;
      pending.delete(event.channel.toLowerCase());
      if (pending.size === 0) resolve(client);
    });
    client.on('close', () => reject(new Error('IRC connection closed')));
    client.connect({ host: args.host, port: args.port, nick: args.nick, auto_reconnect: false });
  });
}

export function print(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Calls `handle` with each stdin line (split on spaces); exits when stdin closes. */
export function commands(handle: (words: string[]) => void): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => handle(line.trim().split(/\s+/)));
  rl.on('close', () => process.exit(0));
}
