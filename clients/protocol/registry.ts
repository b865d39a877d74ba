import { z } from 'zod';

/**
 * The service registry: each running service keeps one string key,
 * `<servicePrefix><service name>` (see names.ts), holding a JSON record of its
 * name and commands. The key has an expiry that the service's heartbeat keeps
 * pushing back, so a service that stops or crashes drops out of every listing
 * by itself once its TTL passes. Any language can take part: SET the key with
 * `PX <ttl>` and refresh it more often than the TTL.
 */

/** Service names: what `zen service <name>` and `!services` show. */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Command names: what follows the command prefix (`!woot` → `woot`). */
export const COMMAND_NAME = /^[A-Za-z0-9][A-Za-z0-9_.?-]{0,31}$/;

export const REGISTRY_VERSION = 1 as const;

export const commandInfo = z
  .looseObject({
    name: z.string().regex(COMMAND_NAME).describe('Command name without the prefix, e.g. `woot`'),
    usage: z.string().optional().describe('How to call it, e.g. `!weather <city>`; defaults to `!<name>`'),
    help: z.string().optional().describe('What it does, in one line'),
  })
  .describe('One command a service answers.');

export const serviceRecord = z
  .looseObject({
    version: z.literal(REGISTRY_VERSION),
    name: z.string().regex(SERVICE_NAME).describe('Service name; also the last part of the key'),
    description: z.string().describe('What the service does, in one line'),
    commands: z.array(commandInfo).describe('Commands the service answers (may be empty)'),
    pid: z.number().int().optional().describe('Process id, for operators'),
    host: z.string().optional().describe('Host name the service runs on, for operators'),
    started: z.string().optional().describe('When the service started, ISO 8601'),
  })
  .describe('A live service, as stored under `zenrelay:service:<name>` with an expiry.');

export type CommandInfo = z.infer<typeof commandInfo>;
export type ServiceRecord = z.infer<typeof serviceRecord>;

export function isServiceName(name: string): boolean {
  return SERVICE_NAME.test(name);
}

export function isCommandName(name: string): boolean {
  return COMMAND_NAME.test(name);
}
