/**
 * Reconnect delays: exponential growth from `minMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so that many bots restarted by the
 * same outage do not all come back in the same second.
 */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

/** Delay before reconnect attempt number `attempt` (0 for the first). `random` returns [0, 1). */
export function backoffDelay(attempt: number, { minMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const ceiling = Math.min(maxMs, minMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** How long a connection must have stayed registered for the next outage to start the backoff over. */
export const STABLE_CONNECTION_MS = 30_000;

/**
 * The attempt counter to use after a connection closed. It starts over only
 * when the connection had stayed registered for at least `stableMs`: a server
 * that drops the bot right after registration (a ban, a flood kill) then
 * sees growing delays instead of a reconnect every second, forever.
 * `registeredForMs` is undefined when the connection never registered.
 */
export function attemptAfterClose(attempt: number, registeredForMs: number | undefined, stableMs = STABLE_CONNECTION_MS): number {
  return registeredForMs !== undefined && registeredForMs >= stableMs ? 0 : attempt;
}
