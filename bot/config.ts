import { accessSync, constants, statSync } from 'node:fs';
import { isChannelName, isNick, targetProblem } from '@zenrelay/protocol';
import { templateProblem } from './irc/nickserv';
import { chooseMechanism } from './irc/sasl';
import {
  bool,
  busSettings,
  commandPrefixSetting,
  ConfigError,
  decimal,
  Env,
  integer,
  listOf,
  maxPayloadBytesSetting,
  noticeFateTtl,
  noticeWaitReplicas,
  noticeWaitTimeout,
  oneOf,
  optionalText,
  Parsed,
  readAll,
  redisTarget,
  type RedisTarget,
  setting,
  text,
} from '@zenrelay/runtime';

import { parseAdmins } from './trust/admins';
import { parseMasks } from './trust/ignoreList';

/**
 * Every setting of the bot, its environment variable and its default, in one
 * place. The README's configuration table lists exactly these (a test checks).
 */

const IRC_COMMAND = /^[A-Za-z]+$/;

/** A path to a file the bot can read, or undefined when empty (the contents are read at each connect, never logged). */
function readableFile(raw: string, variable: string): string | undefined {
  if (raw === '') return undefined;
  try {
    if (!statSync(raw).isFile()) throw new Error('not a file');
    accessSync(raw, constants.R_OK);
  } catch (err) {
    throw new ConfigError(variable, `cannot read ${JSON.stringify(raw)} (${(err as Error).message}); give the path of a PEM file the bot can read`);
  }
  return raw;
}

function nickservTemplate(raw: string, variable: string): string {
  const problem = templateProblem(raw);
  if (problem) throw new ConfigError(variable, problem);
  return raw.trim();
}

export { busSettings, loadBusConfig, noticeFateTtl, noticeWaitReplicas, noticeWaitTimeout, redisTarget } from '@zenrelay/runtime';
export type { BusConfig } from '@zenrelay/runtime';

export const botSettings = {
  ...busSettings,
  ircHost: setting('IRC_HOST', undefined, 'IRC server host name (required)', text),
  ircPort: setting('IRC_PORT', '6667', 'IRC server port', integer(1, 65535)),
  ircTls: setting('IRC_TLS', 'false', 'Connect with TLS', bool),
  ircTlsVerify: setting('IRC_TLS_VERIFY', 'true', "Check the server's TLS certificate; `false` is unsafe and logged as a warning at startup and on every connection", bool),
  ircTlsCa: setting('IRC_TLS_CA', '', "CA file (PEM) that signs the IRC server's certificate, for a private CA or a self-signed server; empty = the system's CAs", readableFile),
  ircTlsCert: setting('IRC_TLS_CERT', '', 'Client certificate file (PEM) shown to the server over TLS (certfp, SASL EXTERNAL); with IRC_TLS_KEY', readableFile),
  ircTlsKey: setting('IRC_TLS_KEY', '', "Private key file (PEM) of IRC_TLS_CERT; its contents are read at each connection and never logged", readableFile),
  ircNick: setting('IRC_NICK', 'zenrelay', "The bot's nick; when taken, the bot uses `<nick>_` and takes it back once free", (raw, variable) => {
    if (!isNick(raw) || raw.length > 30) throw new ConfigError(variable, `${JSON.stringify(raw)} is not a valid IRC nick (letters, digits, []\\\`_^{|}-, at most 30)`);
    return raw;
  }),
  ircUsername: setting('IRC_USERNAME', 'zenrelay', 'User name (ident) sent at registration', (raw, variable) => {
    if (!/^[A-Za-z0-9_.-]{1,10}$/.test(raw)) throw new ConfigError(variable, 'must be 1-10 letters, digits, `_`, `.` or `-`');
    return raw;
  }),
  ircRealname: setting('IRC_REALNAME', 'zenrelay IRC relay', 'Real name (gecos)', text),
  ircChannels: setting('IRC_CHANNELS', '', 'Channels to join, comma-separated (`#a,#b`)', listOf((c) => (isChannelName(c) ? undefined : `${JSON.stringify(c)} is not a channel name (#name)`))),
  ircPassword: setting('IRC_PASSWORD', '', 'Server password (PASS)', optionalText),
  saslAccount: setting('IRC_SASL_ACCOUNT', '', 'SASL PLAIN account (with IRC_SASL_PASSWORD)', optionalText),
  saslPassword: setting('IRC_SASL_PASSWORD', '', 'SASL PLAIN password', optionalText),
  saslMechanism: setting('IRC_SASL_MECHANISM', '', 'SASL mechanism, `PLAIN` or `EXTERNAL` (client certificate); empty = PLAIN with IRC_SASL_ACCOUNT, else EXTERNAL with IRC_TLS_CERT, else no SASL', (raw, variable) => {
    if (raw === '') return undefined;
    const upper = raw.toUpperCase();
    if (upper !== 'PLAIN' && upper !== 'EXTERNAL') throw new ConfigError(variable, 'must be PLAIN or EXTERNAL (or empty)');
    return upper as 'PLAIN' | 'EXTERNAL';
  }),
  saslRequired: setting('IRC_SASL_REQUIRED', 'false', 'Never join channels unidentified: when SASL (or, without SASL, NickServ IDENTIFY) does not log the bot in, it disconnects, says why and retries with backoff', bool),
  nickservPassword: setting('IRC_NICKSERV_PASSWORD', '', 'Password for NickServ IDENTIFY after connecting, for networks without SASL (and for GHOST); empty = no NickServ', optionalText),
  nickservNick: setting('IRC_NICKSERV_NICK', 'NickServ', 'Nick of the nick service (e.g. `NickServ@services.example.net`)', (raw, variable) => {
    if (!/^[^\s,:\x00-\x1f]{1,64}$/.test(raw)) throw new ConfigError(variable, 'must be one nick (or nick@server) without spaces');
    return raw;
  }),
  nickservIdentify: setting('IRC_NICKSERV_IDENTIFY', 'IDENTIFY {nick} {password}', 'NickServ command to log in; `{nick}` is IRC_NICK, `{password}` IRC_NICKSERV_PASSWORD', nickservTemplate),
  nickservRegain: setting('IRC_NICKSERV_REGAIN', 'GHOST {nick} {password}', 'NickServ command sent when IRC_NICK is taken at connect (e.g. `REGAIN {nick} {password}` on Anope/Atheme 7.3); the bot then takes its nick; `none` = never', (raw, variable) => (raw.toLowerCase() === 'none' ? '' : nickservTemplate(raw, variable))),
  sendBurst: setting('IRC_SEND_BURST', '4', 'Lines the bot may send at once before the rate applies', integer(1, 1000)),
  sendRate: setting('IRC_SEND_RATE', '1', 'Outbound lines per second after the burst; `0` = unlimited (private servers only)', decimal(0, 10000)),
  reconnectMinMs: setting('IRC_RECONNECT_MIN_MS', '1000', 'First reconnect delay; doubles on each failure (with jitter)', integer(10, 3_600_000)),
  reconnectMaxMs: setting('IRC_RECONNECT_MAX_MS', '60000', 'Longest reconnect delay', integer(10, 3_600_000)),
  pingTimeoutSeconds: setting('IRC_PING_TIMEOUT', '120', 'Seconds of silence from the server before the bot reconnects', integer(5, 3600)),
  rawAllow: setting('ZEN_RAW_ALLOW', 'JOIN,PART,NAMES,TOPIC', 'IRC commands a `raw` envelope may send, comma-separated', (raw, variable) =>
    listOf((c) => (IRC_COMMAND.test(c) ? undefined : `${JSON.stringify(c)} is not an IRC command name`))(raw, variable).map((c) => c.toUpperCase()),
  ),
  adminChannel: setting('ZEN_ADMIN_CHANNEL', '', "Where ZenIRCBot's `send_admin_message` (and `register_commands`' `<service> online!`) goes; the bot stores it in `zenircbot:admin_spew_channels`; empty = the first of IRC_CHANNELS", (raw, variable) => {
    if (raw === '') return undefined;
    const problem = targetProblem(raw);
    if (problem) throw new ConfigError(variable, `must be one channel or nick (${problem})`);
    return raw;
  }),
  directed: setting('ZEN_DIRECTED', 'true', 'Publish `directed_privmsg`; set false if you still run ZenIRCBot\'s semantics service', bool),
  answerBots: setting('ZEN_ANSWER_BOTS', 'false', 'Publish `directed_privmsg` for messages from other bots (IRCv3 `bot` tag) too; `false` keeps bots from commanding each other', bool),
  commandPrefix: commandPrefixSetting,
  admins: setting('ZEN_ADMINS', '', 'Who is an admin, comma-separated: services accounts (`account:alice`) and hostmask globs (`*!~ops@ops.example.org`); a nick alone never counts. Every `directed_privmsg` says `admin: true/false`', (raw, variable) => {
    const parsed = parseAdmins(raw);
    if (!parsed.ok) throw new ConfigError(variable, parsed.problem);
    return parsed.rules;
  }),
  ignore: setting('ZEN_IGNORE', '', 'nick!user@host masks the bot does not listen to, comma-separated (besides the runtime list `!ignore` edits): their messages publish nothing on `in`', (raw, variable) => {
    const parsed = parseMasks(raw);
    if (!parsed.ok) throw new ConfigError(variable, parsed.problem);
    return parsed.masks;
  }),
  commandRate: setting('ZEN_COMMAND_RATE', '0.5', 'Commands (`directed_privmsg`) per second one sender (user@host) may give after the burst; more get one "slow down" notice and are not published; `0` = no limit', decimal(0, 1000)),
  commandBurst: setting('ZEN_COMMAND_BURST', '5', 'Commands one sender may give back to back before ZEN_COMMAND_RATE applies', integer(1, 1000)),
  channelCommandRate: setting('ZEN_CHANNEL_COMMAND_RATE', '2', 'Commands per second one channel may give (all senders together) after the burst; `0` = no limit', decimal(0, 1000)),
  channelCommandBurst: setting('ZEN_CHANNEL_COMMAND_BURST', '10', 'Commands a channel may give back to back before ZEN_CHANNEL_COMMAND_RATE applies', integer(1, 10000)),
  accountCacheSeconds: setting('ZEN_ACCOUNT_CACHE_SECONDS', '60', 'How long the services account the server named for a nick (WHOX/WHOIS, extended-join, account-notify) is remembered; `0` = ask every time', integer(0, 86400)),
  maxPayloadBytes: maxPayloadBytesSetting,
  queueMaxLines: setting('ZEN_QUEUE_MAX_LINES', '10000', 'Outbound lines held (e.g. while IRC is down) before new messages are rejected', integer(10, 10_000_000)),
  inBufferMax: setting('ZEN_IN_BUFFER', '10000', '`in` events kept while Redis is unreachable, oldest dropped first (counted in `zen_in_events_dropped_total`); while Redis is connected nothing is dropped', integer(10, 10_000_000)),
  inStreamMaxLen: setting('ZEN_IN_STREAM_MAXLEN', '10000', 'About how many `in` events the `in` stream keeps for consumer groups and catch-up (approximate MAXLEN); `0` = no stream', integer(0, 100_000_000)),
  noticeMaxAgeSeconds: setting('ZEN_NOTICE_MAX_AGE_SECONDS', '3600', 'Durable notices queued longer ago than this are not sent but marked expired; `0` = never expire', integer(0, 31_536_000)),
  noticeWindow: setting('ZEN_NOTICE_WINDOW', '32', 'Most durable notices in flight (read, not yet acknowledged); also the most that can be sent twice after a crash', integer(1, 10_000)),
  noticeFateTtlSeconds: noticeFateTtl,
  noticeWaitReplicas,
  noticeWaitTimeoutMs: noticeWaitTimeout,
  announceReturnAfterSeconds: setting('ZEN_ANNOUNCE_RETURN_AFTER_SECONDS', '0', 'After an IRC outage at least this long, the bot says once in each channel that it is back and how many notices and messages were delayed (at most one such notice per 10 minutes); `0` = never', integer(0, 31_536_000)),
  shutdownTimeoutMs: setting('ZEN_SHUTDOWN_TIMEOUT_MS', '10000', 'How long SIGTERM waits for the send queue to drain', integer(0, 600_000)),
  httpPort: setting('HTTP_PORT', '', 'Port of the HTTP endpoint (`/healthz`, `/metrics`); empty = no HTTP endpoint', (raw, variable) =>
    raw === '' ? undefined : integer(1, 65535)(raw, variable),
  ),
  httpHost: setting('HTTP_HOST', '127.0.0.1', 'Address the HTTP endpoint listens on (`0.0.0.0` in a container)', text),
  logLevel: setting('LOG_LEVEL', 'info', 'trace, debug, info, warn, error, fatal or silent', oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const)),
};

/** Every bot setting, plus where Redis is (`redis`), checked for bad combinations. */
export type BotConfig = Parsed<typeof botSettings> & { redis: RedisTarget };

/** Everything the bridge needs; throws ConfigError naming the first bad variable. */
export function loadBotConfig(env: Env = process.env): BotConfig {
  const settings = readAll(botSettings, env);
  const config = { ...settings, redis: redisTarget(settings) };
  if ((config.saslAccount === undefined) !== (config.saslPassword === undefined)) {
    const missing = config.saslAccount === undefined ? 'IRC_SASL_ACCOUNT' : 'IRC_SASL_PASSWORD';
    throw new ConfigError(missing, 'IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD go together; set both or neither');
  }
  if ((config.ircTlsCert === undefined) !== (config.ircTlsKey === undefined)) {
    const missing = config.ircTlsCert === undefined ? 'IRC_TLS_CERT' : 'IRC_TLS_KEY';
    throw new ConfigError(missing, 'IRC_TLS_CERT and IRC_TLS_KEY go together; set both or neither');
  }
  if (config.ircTlsCert !== undefined && !config.ircTls) {
    throw new ConfigError('IRC_TLS_CERT', 'a client certificate is only shown over TLS: set IRC_TLS=true (and IRC_PORT to the TLS port)');
  }
  if (config.saslMechanism === 'EXTERNAL' && config.ircTlsCert === undefined) {
    throw new ConfigError('IRC_SASL_MECHANISM', 'EXTERNAL logs in with a client certificate: set IRC_TLS_CERT and IRC_TLS_KEY');
  }
  if (config.saslMechanism === 'PLAIN' && config.saslAccount === undefined) {
    throw new ConfigError('IRC_SASL_MECHANISM', 'PLAIN needs IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD');
  }
  if (config.saslRequired && chooseMechanism(saslSettings(config)) === undefined && config.nickservPassword === undefined) {
    throw new ConfigError('IRC_SASL_REQUIRED', 'there is no way to log in: set IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD, IRC_TLS_CERT and IRC_TLS_KEY (EXTERNAL), or IRC_NICKSERV_PASSWORD');
  }
  if (config.reconnectMaxMs < config.reconnectMinMs) {
    throw new ConfigError('IRC_RECONNECT_MAX_MS', `must be at least IRC_RECONNECT_MIN_MS (${config.reconnectMinMs})`);
  }
  return config;
}

/** The SASL part of the settings, as chooseMechanism takes it. */
export function saslSettings(config: Pick<BotConfig, 'saslMechanism' | 'saslAccount' | 'saslPassword' | 'ircTlsCert'>): Parameters<typeof chooseMechanism>[0] {
  return { mechanism: config.saslMechanism, account: config.saslAccount, password: config.saslPassword, clientCert: config.ircTlsCert };
}

/** Where ZenIRCBot's `send_admin_message` goes: ZEN_ADMIN_CHANNEL, else the first channel, else nowhere (''). */
export function adminChannel(config: Pick<BotConfig, 'adminChannel' | 'ircChannels'>): string {
  return config.adminChannel ?? config.ircChannels[0] ?? '';
}

/** Rows for the README's configuration table. */
export function describeSettings(): Array<{ variable: string; default: string | undefined; description: string }> {
  return Object.values(botSettings).map(({ variable, default: def, description }) => ({ variable, default: def, description }));
}
