import NetTransport = require('irc-framework/src/transports/net');
import { LineReader } from './lineReader';
import { fitOutgoingLine, type FittedLine, type WireIdentity } from './lineWriter';

/**
 * irc-framework's TCP/TLS transport with zenrelay's guards at the two ends of
 * the socket (irc-framework lets a client pass its own transport class):
 *
 * - reading: lines are cut by LineReader (linear, bounded; oversized lines
 *   dropped), and each line is handed to irc-framework inside a try/catch.
 *   irc-framework parses, dispatches and runs its handlers and every listener
 *   (ours included) synchronously from that call, so an exception caused by
 *   any one line — a numeric with missing parameters, say — stops here: the
 *   line is reported as bad and the connection carries on with the next one.
 * - writing: every line irc-framework writes (registration, PONG, CAP, JOIN,
 *   and the send queue's lines via client.raw) passes fitOutgoingLine with the
 *   bot's current identity: one writer for everything.
 */

/** too_long: dropped unread; handler_error: threw while handled; reply_overflow: an unfinished multi-line reply grew too big and was dropped. */
export type BadLineReason = 'too_long' | 'handler_error' | 'reply_overflow';

export interface TransportHooks {
  /** The bot's identity as the server shows it now (nick, user, host). */
  identity(): WireIdentity;
  /** A line from the server was dropped (too long) or threw in a handler. */
  onBadLine(reason: BadLineReason, detail: { line?: string; bytes?: number; error?: unknown }): void;
  /** A line the bot wrote was changed or dropped by the writer. */
  onLineFixed(line: string, fitted: FittedLine): void;
}

export type TransportClass = new (options: unknown) => NetTransport;

/** A transport class bound to `hooks` (irc-framework instantiates it on each connect). */
export function guardedTransport(hooks: TransportHooks): TransportClass {
  return class GuardedTransport extends NetTransport {
    private readonly reader = new LineReader({
      onLine: (line) => this.deliver(line),
      onOversized: (bytes) => hooks.onBadLine('too_long', { bytes }),
    });

    override connect(): void {
      this.reader.reset();
      super.connect();
    }

    override onSocketData(data: Buffer): void {
      this.reader.push(data);
    }

    override writeLine(line: string, cb?: () => void): void {
      const fitted = fitOutgoingLine(line, hooks.identity());
      if (fitted.fixes.length > 0) hooks.onLineFixed(line, fitted);
      const { lines } = fitted;
      if (lines.length === 0) {
        if (cb) process.nextTick(cb);
        return;
      }
      lines.forEach((out, i) => super.writeLine(out, i === lines.length - 1 ? cb : undefined));
    }

    private deliver(raw: Buffer): void {
      const line = raw.toString('utf8');
      try {
        this.emit('line', line);
      } catch (error) {
        hooks.onBadLine('handler_error', { line, error });
      }
    }
  };
}
