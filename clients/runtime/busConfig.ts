import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_NOTICE_FATE_TTL_SECONDS, isValidNamespace } from '@zenrelay/protocol';
import { ConfigError } from './ConfigError';
import { Env, integer, read, redisUrl, Setting, setting } from './settings';

/**
 * The settings the bot shares with everything that talks to it over Redis
 * (the SDK, the CLI, the services), read the same way everywhere so that a
 * client and the bot agree. The bot's own table (bot/config.ts) includes them.
 */

export const busSettings = {
  redisUrl: setting('REDIS_URL', 'redis://127.0.0.1:6379', 'Redis to use; `rediss://` for TLS', redisUrl),
  namespace: setting('ZEN_NAMESPACE', '', 'Prefix for every channel and key (`net1` → `net1:in`, `net1:out`); empty = ZenIRCBot names', (raw, variable) => {
    if (!isValidNamespace(raw)) throw new ConfigError(variable, 'must be letters, digits, `_`, `.` or `-` (at most 64)');
    return raw;
  }),
};

/** How long notice fates are kept; read by the bot and by publishers (zen notify, the webhook). */
export const noticeFateTtl = setting('ZEN_NOTICE_FATE_TTL_SECONDS', String(DEFAULT_NOTICE_FATE_TTL_SECONDS), 'How long the fate of a durable notice (sent, rejected, expired) is kept in Redis', integer(60, 31_536_000));

/** What starts a command; the bot and the SDK (for usage lines) read it. */
export const commandPrefixSetting = setting('ZEN_COMMAND_PREFIX', '!', 'What starts a command (`!woot`)', (raw, variable) => {
  if (raw.length > 4 || /\s/.test(raw)) throw new ConfigError(variable, 'must be 1-4 characters without spaces');
  return raw;
});

/** Largest `out` payload the bot accepts; publishers check it before sending. */
export const maxPayloadBytesSetting = setting('ZEN_MAX_PAYLOAD_BYTES', String(DEFAULT_MAX_PAYLOAD_BYTES), 'Largest `out` payload accepted, in bytes', integer(256, 1_048_576));

export type Parsed<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export type BusConfig = Parsed<typeof busSettings>;

/** Reads every setting of a table; throws ConfigError naming the first bad variable. */
export function readAll<S extends Record<string, Setting<unknown>>>(settings: S, env: Env): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) out[key] = read(env, s);
  return out as Parsed<S>;
}

/** The Redis side only: what every client (SDK, CLI, services) needs. */
export function loadBusConfig(env: Env = process.env): BusConfig {
  return readAll(busSettings, env);
}
