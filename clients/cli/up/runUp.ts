/**
 * `zen up`: the bot, its HTTP endpoint (when HTTP_PORT is set) and every
 * bundled service in one process, stopped together on Ctrl-C / SIGTERM.
 *
 * Without IRC_HOST it first starts a private sandbox — ngircd, and
 * redis-server unless REDIS_URL is set — on free loopback ports, and joins
 * the bot to IRC_CHANNELS (default #zen). With IRC_HOST it uses the real
 * network and REDIS_URL. Once the bot is in its channels it prints one line
 * on stdout saying where to connect; logs go to stderr.
 */
import { CONFIG_EXIT_CODE, ConfigError } from '@zenrelay/runtime';
import { createLogger, Logger } from '@zenrelay/runtime';
import { onShutdownSignals } from '@zenrelay/runtime';
import { Bridge, BotConfig, EMPTY_CHANNELS_HINT, loadBotConfig, logStarting, startBridgeHttp } from '../../../bot';
import { bundledServices } from '../../../services';
import { MissingProgramError, Sandbox, startSandbox } from '../sandbox';
import { readyLine } from './readyLine';
import { startServices } from './services';
import { Stopper } from './stopper';

/** The channel the sandbox bot joins when IRC_CHANNELS is unset. */
export const SANDBOX_CHANNEL = '#zen';

type Env = NodeJS.ProcessEnv;

/** True when no IRC server is configured, so `zen up` runs the sandbox. */
export function wantsSandbox(env: Env): boolean {
  return (env.IRC_HOST ?? '').trim() === '';
}

/**
 * The environment of a sandbox bot: the user's settings, with the sandbox's
 * server and Redis, a default channel, and no server password or SASL (the
 * sandbox ngircd has no accounts and refuses a PASS).
 */
export function sandboxEnv(env: Env, irc: { host: string; port: number }, redisUrl: string): Env {
  return {
    ...env,
    IRC_HOST: irc.host,
    IRC_PORT: String(irc.port),
    IRC_TLS: 'false',
    IRC_CHANNELS: (env.IRC_CHANNELS ?? '').trim() || SANDBOX_CHANNEL,
    IRC_PASSWORD: '',
    IRC_SASL_ACCOUNT: '',
    IRC_SASL_PASSWORD: '',
    REDIS_URL: redisUrl,
  };
}

function fail(message: string, code: number): never {
  process.stderr.write(`zen up: ${message}\n`);
  process.exit(code);
}

function loadConfig(env: Env): BotConfig {
  try {
    return loadBotConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, CONFIG_EXIT_CODE);
    throw err;
  }
}

export async function runUp(env: Env = process.env): Promise<void> {
  const sandboxed = wantsSandbox(env);
  const ownRedis = sandboxed && ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].every((v) => (env[v] ?? '').trim() === '');
  // Check every setting before starting anything (placeholders for what the sandbox will provide).
  let config = loadConfig(sandboxed ? sandboxEnv(env, { host: '127.0.0.1', port: 6667 }, ownRedis ? 'redis://127.0.0.1:6379' : (env.REDIS_URL as string)) : env);
  const log = createLogger(config.logLevel, 'zen-up');
  const stopper = new Stopper(log);
  installSignals(stopper, log);

  if (sandboxed) {
    const sandbox = await startSandboxOrExit(ownRedis, config.ircChannels[0] ?? SANDBOX_CHANNEL, log);
    stopper.add('the sandbox', () => sandbox.stop());
    if (stopper.stopped) return;
    config = loadConfig(sandboxEnv(env, sandbox.irc, sandbox.redis?.url ?? config.redisUrl));
  }
  if (sandboxed && env.IRC_CHANNELS !== undefined && env.IRC_CHANNELS.trim() === '') {
    // Set but empty: like zen bot, say why (the sandbox then joins its default channel).
    log.warn(`IRC_CHANNELS is empty, so the sandbox bot joins ${SANDBOX_CHANNEL}. ${EMPTY_CHANNELS_HINT}`);
  }
  logStarting(log, config, { sandbox: sandboxed });

  const bridge = new Bridge(config, log.child({ component: 'bot' }));
  const ready = new Promise<{ nick: string; channels: string[] }>((resolve) => bridge.irc.once('ready', resolve));
  const http = await startBridgeHttp(config, bridge, log).catch((err: Error) => {
    void stopper.stop().finally(() => fail(err.message, CONFIG_EXIT_CODE));
    return undefined;
  });
  if (http) stopper.add('the HTTP endpoint', () => http.close());
  stopper.add('the bot', () => bridge.stop());
  if (stopper.stopped) return;
  await bridge.start();
  if (stopper.stopped) return;

  const services = await startServices(bundledServices, { redisUrl: config.redisUrl, namespace: config.namespace, env: { ...env, REDIS_URL: config.redisUrl } }, log);
  stopper.add('the services', () => services.close());
  if (stopper.stopped) return;

  const { nick, channels } = await ready;
  if (stopper.stopped) return;
  process.stdout.write(
    `${readyLine({
      sandbox: sandboxed,
      ircHost: config.ircHost,
      ircPort: config.ircPort,
      channels: channels.length > 0 ? channels : config.ircChannels,
      nick,
      redisUrl: config.redisUrl,
      redis: config.redis,
      namespace: config.namespace,
      services: services.running.map((s) => s.name),
      skipped: services.skipped.map((s) => s.name),
    })}\n`,
  );
}

async function startSandboxOrExit(ownRedis: boolean, channel: string, log: Logger): Promise<Sandbox> {
  try {
    const sandbox = await startSandbox({ redis: ownRedis, channel });
    log.info({ ircPort: sandbox.irc.port, ngircdPid: sandbox.irc.pid, redisPort: sandbox.redis?.port, redisPid: sandbox.redis?.pid }, 'sandbox started (no IRC_HOST set)');
    return sandbox;
  } catch (err) {
    if (err instanceof MissingProgramError) fail(err.message, CONFIG_EXIT_CODE);
    fail(`could not start the local sandbox: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
}

function installSignals(stopper: Stopper, log: Logger): void {
  onShutdownSignals(async () => {
    const clean = await stopper.stop();
    log.info('all stopped');
    return clean;
  }, log);
}
