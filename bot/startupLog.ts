import { saslSettings, type BotConfig } from './config';
import { chooseMechanism } from './irc/sasl';
import { Logger, redactConfig } from '@zenrelay/runtime';

/**
 * The few lines a program logs when it starts the bot: one `starting` line
 * with what matters (server, nick, channels, namespace), the whole
 * configuration only at debug, and the warning about an empty IRC_CHANNELS.
 */

/** The usual cause of an empty IRC_CHANNELS: `IRC_CHANNELS=#chan` in a .env file, where an unquoted # starts a comment. */
export const EMPTY_CHANNELS_HINT = 'In a .env file, quote channel names: IRC_CHANNELS="#a,#b"';

/** Logged at startup with IRC_TLS=true and IRC_TLS_VERIFY=false (and again on every connection that registers). */
export const TLS_NO_VERIFY_WARNING =
  "IRC_TLS_VERIFY=false: the IRC server's TLS certificate is NOT checked; anyone on the network path can read and change the bot's traffic (and its passwords). Set IRC_TLS_CA instead for a private CA or a self-signed server";

export function logStarting(log: Logger, config: BotConfig, extra: Record<string, unknown> = {}): void {
  log.debug({ config: redactConfig(config) }, 'configuration');
  log.info(
    { irc: `${config.ircHost}:${config.ircPort}`, tls: config.ircTls, sasl: chooseMechanism(saslSettings(config)), nickserv: config.nickservPassword !== undefined || undefined, nick: config.ircNick, channels: config.ircChannels, namespace: config.namespace || undefined, ...extra },
    'starting',
  );
  if (config.ircTls && !config.ircTlsVerify) log.warn(TLS_NO_VERIFY_WARNING);
  if (config.ircChannels.length === 0) log.warn(`IRC_CHANNELS is empty: the bot joins no channel. ${EMPTY_CHANNELS_HINT}`);
}
