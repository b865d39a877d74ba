import { startHello } from './hello';
import { startHelp } from './help';
import { startWebhook } from './webhook';
import type { ServiceStarter } from './service';

export type { RunningService, ServiceContext, ServiceStarter } from './service';

/**
 * The bundled services, by name. Each one is an independent process when run
 * as `zen service <name>`; `zen up` starts them all next to the bot. A
 * service's folder exports a starter; add it to `bundledServices` below.
 */

export interface BundledService {
  /** One line for `zen service --help`. */
  description: string;
  start: ServiceStarter;
}

export const bundledServices: Record<string, BundledService> = {
  hello: { description: 'the workshop greeter: hello → Hello <you>, !woot → Indeed!', start: startHello },
  help: { description: '!help, !services, ZenIRCBot commands/services, and (ZEN_HELP_WAT=true) Wat for unknown commands', start: startHelp },
  webhook: { description: 'HTTP endpoint: POST /notify/<target> (text, JSON, GitHub push, Alertmanager) → durable notices', start: startWebhook },
};
