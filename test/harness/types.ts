/**
 * Interfaces shared by the server starters.
 */

/** A running test server on a loopback port. */
export interface ServerHandle {
  readonly host: '127.0.0.1';
  /** Stays the same across restart(). */
  readonly port: number;
  /** PID of the current server process (changes on restart). */
  readonly pid: number;
  /** SIGTERM (SIGKILL after 5 s), then removes the temp dir. Idempotent; also fine after kill(). */
  stop(): Promise<void>;
  /** SIGKILL, as in a crash. Keeps the temp dir so restart() can follow. */
  kill(): Promise<void>;
  /** Stops the process if it runs (SIGTERM) and starts it again: same port, config and dir. */
  restart(): Promise<void>;
  /** The server's captured stdout/stderr (last 64 KiB) plus any log file tail. */
  logs(): string;
}

/** A running IRC server (ngircd or InspIRCd). */
export interface IrcServer extends ServerHandle {
  readonly kind: 'ngircd' | 'inspircd';
  /** The server's own name, as it appears in prefixes (e.g. "irc.test"). */
  readonly serverName: string;
}
