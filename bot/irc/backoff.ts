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
