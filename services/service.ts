import type { Logger } from '@zenrelay/runtime';

/**
 * What a bundled service is given and gives back. The services import these
 * from here, and services/index.ts lists them, so no import cycle forms.
 */

export interface ServiceContext {
  /** REDIS_URL and ZEN_NAMESPACE, as the bot reads them. */
  redisUrl: string;
  namespace: string;
  /** The whole environment, for service-specific settings (tokens, ports). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

export interface RunningService {
  readonly name: string;
  /** Stops the service and closes its connections. */
  close(): Promise<void>;
}

export type ServiceStarter = (context: ServiceContext) => Promise<RunningService>;
