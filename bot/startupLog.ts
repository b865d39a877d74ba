import type { BotConfig } from './config';
import { Logger, redactConfig } from '@zenrelay/runtime';

/**
 * The few lines a program logs when it starts the bot: one `starting` line
 * with what matters (server, nick, channels, namespace), the whole
 * configuration only at debug, and the warning about an empty IRC_CHANNELS.
 */

/** The usual cause of an empty IRC_CHANNELS: `IRC_CHANNELS=#chan` in a .env file, where an unquoted # starts a comment. */
export const EMPTY_CHANNELS_HINT = 'In a .env file, quote channel names: IRC_CHANNELS="#a,#b"';

export function logStarting(log: Logger, config: BotConfig, extra: Record<string, unknown> = {}): void {
  log.debug({ config: redactConfig(config) }, 'configuration');
  log.info(
    { irc: `${config.ircHost}:${config.ircPort}`, tls: config.ircTls, nick: config.ircNick, channels: config.ircChannels, namespace: config.namespace || undefined, ...extra },
    'starting',
  );
  if (config.ircChannels.length === 0) log.warn(`IRC_CHANNELS is empty: the bot joins no channel. ${EMPTY_CHANNELS_HINT}`);
}
