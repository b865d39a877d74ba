/**
 * `zen up` runs every bundled service in its own process next to the bot.
 * An optional service the environment does not ask for (the webhook without
 * any WEBHOOK_* setting) is left out with a debug line only. A service that
 * cannot start (e.g. the webhook with WEBHOOK_PORT but no WEBHOOK_TOKEN) is
 * skipped with one log line saying why; the others run. Stopping closes them
 * in reverse order; one failing to close does not keep the rest open.
 */
import type { Logger } from '@zenrelay/runtime';
import type { BundledService, RunningService, ServiceContext } from '../../../services';

export interface StartedServices {
  running: RunningService[];
  skipped: Array<{ name: string; reason: string }>;
  /** Closes every running service; never rejects. */
  close(): Promise<void>;
}

/** Starts each service of `registry`, in order, with the given logger. */
export async function startServices(
  registry: Record<string, BundledService>,
  context: Omit<ServiceContext, 'logger'>,
  log: Logger,
): Promise<StartedServices> {
  const running: RunningService[] = [];
  const skipped: StartedServices['skipped'] = [];
  for (const [name, service] of Object.entries(registry)) {
    if (service.wanted && !service.wanted(context.env)) {
      log.debug({ service: name }, `service ${name} not asked for; not started`);
      continue;
    }
    try {
      running.push(await service.start({ ...context, logger: log }));
      log.info({ service: name }, 'service running');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      skipped.push({ name, reason });
      log.warn({ service: name, reason }, `service ${name} not started (skipped): ${reason}`);
    }
  }
  return {
    running,
    skipped,
    async close() {
      for (const service of [...running].reverse()) {
        try {
          await service.close();
        } catch (err) {
          log.warn({ service: service.name, err: err instanceof Error ? err.message : String(err) }, 'service did not close cleanly');
        }
      }
    },
  };
}
