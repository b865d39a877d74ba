/**
 * Ordered shutdown for `zen up`: each part registers how to stop it as it
 * starts; stop() runs those in reverse order (services, then the bot, then
 * the HTTP endpoint, then the sandbox servers). A part that finishes
 * starting after stop() began is stopped at once, so Ctrl-C during startup
 * (e.g. while waiting for Redis) still leaves nothing behind.
 */
import type { Logger } from '@zenrelay/runtime';

interface Closer {
  name: string;
  close: () => Promise<void>;
}

export class Stopper {
  private readonly closers: Closer[] = [];
  private stopping: Promise<boolean> | undefined;

  constructor(private readonly log: Logger) {}

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Registers a part; stops it right away if shutdown already began. */
  add(name: string, close: () => Promise<void>): void {
    if (this.stopping) void this.run({ name, close });
    else this.closers.push({ name, close });
  }

  /** Stops every part (once); resolves true when all stopped cleanly. */
  stop(): Promise<boolean> {
    this.stopping ??= (async () => {
      let clean = true;
      for (const closer of this.closers.splice(0).reverse()) clean = (await this.run(closer)) && clean;
      return clean;
    })();
    return this.stopping;
  }

  private async run(closer: Closer): Promise<boolean> {
    try {
      await closer.close();
      return true;
    } catch (err) {
      this.log.error({ part: closer.name, err: err instanceof Error ? err.message : String(err) }, `could not stop ${closer.name} cleanly`);
      return false;
    }
  }
}
