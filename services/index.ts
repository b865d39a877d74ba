import { startAdmin } from './admin';
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
  /**
   * For an optional service: whether the environment asks for it. `zen up`
   * starts one that is not asked for silently not at all (one debug line).
   * Absent: always wanted.
   */
  wanted?(env: NodeJS.ProcessEnv): boolean;
}

export const bundledServices: Record<string, BundledService> = {
  hello: { description: 'the workshop greeter: hello → Hello <you>, !woot → Indeed!', start: startHello },
  help: { description: '!help, !services, ZenIRCBot commands/services, and (ZEN_HELP_WAT=true) Wat for unknown commands', start: startHelp },
  admin: {
    description: 'admin commands for ZEN_ADMINS: !join, !part, !say, !nick, !ignore, !unignore (audited on zenrelay:audit)',
    start: startAdmin,
    // Useless without admins: zen up starts it when ZEN_ADMINS names someone.
    wanted: (env) => (env.ZEN_ADMINS ?? '').trim() !== '',
  },
  webhook: {
    description: 'HTTP endpoint: POST /notify/<target> (text, JSON, GitHub push, Alertmanager) → durable notices',
    start: startWebhook,
    // Asked for by any WEBHOOK_* setting (a token, a port…); otherwise zen up does not mention it.
    wanted: (env) => Object.entries(env).some(([name, value]) => name.startsWith('WEBHOOK_') && (value ?? '').trim() !== ''),
  },
};

/** The bundled service called `name`, or undefined (names inherited from Object included). */
export function bundledService(name: string): BundledService | undefined {
  return Object.hasOwn(bundledServices, name) ? bundledServices[name] : undefined;
}
