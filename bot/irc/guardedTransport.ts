import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
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
 * - TLS: the socket is made here, with what irc-framework cannot pass to
 *   tls.connect: the CA (IRC_TLS_CA) and the client certificate and key
 *   (IRC_TLS_CERT / IRC_TLS_KEY), read by the connection at each attempt.
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
  /** TLS settings for this connection attempt (undefined: plain text). */
  tls?(): TlsSettings | undefined;
}

/** What the TLS socket is made with: CA, client certificate and key as PEM contents. */
export interface TlsSettings {
  rejectUnauthorized: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The parts of irc-framework's transport (src/transports/net.js) a TLS connect needs. */
interface NetInternals {
  options: { host: string; port: number; ping_interval?: number; ping_timeout?: number };
  socket: unknown;
  state: number;
  requested_disconnect: boolean;
  incoming_buffer: Buffer;
  disposeSocket(): void;
  setEncoding(encoding: string): boolean;
  _onSocketCreate(options: unknown, socket: unknown): void;
}

/** irc-framework's SOCK_CONNECTING. */
const SOCK_CONNECTING = 1;

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
      const tls = hooks.tls?.();
      if (!tls) {
        super.connect();
        return;
      }
      // irc-framework's own TLS connect, with the CA and client certificate added.
      const self = this as unknown as NetInternals;
      const { host, port } = self.options;
      self.disposeSocket();
      self.requested_disconnect = false;
      self.incoming_buffer = Buffer.alloc(0);
      self.setEncoding('utf8');
      self.state = SOCK_CONNECTING;
      const options: ConnectionOptions = {
        host,
        port,
        // SNI is sent for names only (RFC 6066 forbids an IP address there).
        servername: isIP(host) ? undefined : host,
        rejectUnauthorized: tls.rejectUnauthorized,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
      };
      const socket = tlsConnect(options);
      self.socket = socket;
      self._onSocketCreate(self.options, socket);
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
