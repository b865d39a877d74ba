import type { Logger } from './log';

/**
 * SIGTERM and SIGINT for a long-running zen process: the first one runs
 * `stop` and exits 0 (1 when stop fails or reports an unclean stop), a second
 * one exits 1 at once. Install it before anything slow starts, so a signal
 * during startup is a graceful stop too.
 */
export function onShutdownSignals(stop: () => Promise<boolean | void>, log: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, 'signal received; stopping');
    stop().then(
      (clean) => process.exit(clean === false ? 1 : 0),
      (err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  stopWhenOrphaned(log);
}

/**
 * Sends this process SIGTERM (a graceful stop) once its parent is gone. A
 * `zen` started through `npx` runs as npm → `sh -c zen …` → node, and a
 * SIGTERM to npm kills the shell without passing the signal on: node would
 * keep running, re-parented to PID 1. Checked every `intervalMs`; only a
 * change of parent counts, so a process started by PID 1 (systemd, a
 * container) is left alone.
 */
export function stopWhenOrphaned(log: Logger, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    log.warn({ parent, now: process.ppid }, 'the process that started zen is gone; stopping');
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
