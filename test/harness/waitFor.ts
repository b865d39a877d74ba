/**
 * Polling helper for conditions that have no event to wait on.
 */

/**
 * Calls `fn` every `intervalMs` until it returns (or resolves to) true.
 * Rejects with `"<message> (not true after <timeoutMs> ms)"` on timeout; an
 * exception thrown by `fn` rejects at once.
 */
export async function waitUntil(
  fn: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: string,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() >= deadline) {
      throw new Error(`${message} (not true after ${timeoutMs} ms)`);
    }
    await delay(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
