import type { Client } from 'irc-framework';

/**
 * irc-framework restarts its ping-timeout timer for every command it parses:
 * clearTimeout, a new setTimeout, and two linear scans of its timer list
 * (lodash `pull`). Under a flood of messages that was ~8% of the bot's CPU
 * (profile of the bench's ingest scenario). This replaces that timer, on
 * one client, with a deadline: a message only moves the deadline forward (a
 * number); one timer per connection fires at the old deadline and, when
 * data came meanwhile, sleeps again until the new one. The timeout itself
 * is irc-framework's: the same `ping timeout` event and the same QUIT, after
 * the same `ping_timeout` seconds without a message from the server.
 *
 * Left as irc-framework has it when its internals are not what this expects
 * (another version): slower, never wrong.
 */

/** The parts of irc-framework's Client this relies on (client.js, 4.14). */
interface PingInternals {
  options: { ping_timeout?: number };
  connection: {
    setTimeout(fn: () => void, ms: number): unknown;
    end(data?: string, hadError?: boolean): void;
  };
  startPingTimeoutTimer(): void;
  resetPingTimeoutTimer(): void;
  debugOut(text: string): void;
  emit(event: string): boolean;
  rawString(...params: string[]): string;
}

function hasPingInternals(client: unknown): client is PingInternals {
  const c = client as Partial<PingInternals>;
  return (
    typeof c.startPingTimeoutTimer === 'function' &&
    typeof c.resetPingTimeoutTimer === 'function' &&
    typeof c.debugOut === 'function' &&
    typeof c.rawString === 'function' &&
    typeof c.connection?.setTimeout === 'function' &&
    typeof c.connection?.end === 'function'
  );
}

/** Installs the deadline timer on `client` (before it connects); returns false when left as it was. */
export function useDeadlinePingTimeout(client: Client, now: () => number = () => performance.now()): boolean {
  if (!hasPingInternals(client)) return false;
  const c = client;
  c.startPingTimeoutTimer = function startPingTimeoutTimer(): void {
    const seconds = c.options.ping_timeout ?? 0;
    if (!(seconds > 0)) return;
    const ms = seconds * 1000;
    let deadline = now() + ms;
    let armed = false;
    const expire = (): void => {
      c.debugOut(`Ping timeout (${seconds} seconds)`);
      c.emit('ping timeout');
      c.connection.end(c.rawString('QUIT', `Ping timeout (${seconds} seconds)`), true);
    };
    const check = (): void => {
      armed = false;
      const left = deadline - now();
      if (left > 0) arm(left);
      else expire();
    };
    const arm = (delay: number): void => {
      armed = true;
      // The connection's own timer list: cleared with the others when the socket closes.
      c.connection.setTimeout(check, Math.ceil(delay));
    };
    c.resetPingTimeoutTimer = (): void => {
      deadline = now() + ms;
      if (!armed) arm(ms);
    };
    arm(ms);
  };
  return true;
}
