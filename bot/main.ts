import { Bridge } from './bridge';
import { loadBotConfig } from './config';
import { CONFIG_EXIT_CODE, ConfigError } from '@zenrelay/runtime';
import { startBridgeHttp } from './http';
import { createLogger } from '@zenrelay/runtime';
import { onShutdownSignals } from '@zenrelay/runtime';
import { logStarting } from './startupLog';

/**
 * `zen bot`: read the configuration, run the bridge (and the HTTP endpoint
 * when HTTP_PORT is set) until SIGTERM or SIGINT,
 * then shut down gracefully and exit 0. A bad configuration exits 2 with one
 * line naming the variable.
 */
export async function runBot(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config;
  try {
    config = loadBotConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`zen bot: ${err.message}\n`);
      process.exit(CONFIG_EXIT_CODE);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, 'zen-bot');
  // Signal handlers go in before anything else (a signal without a handler kills at once), so a
  // SIGTERM during startup is a graceful stop too. Handlers run on a later tick, once `bridge` is set.
  let bridge: Bridge | undefined;
  let http: Awaited<ReturnType<typeof startBridgeHttp>>;
  let stopping = false;
  onShutdownSignals(async () => {
    stopping = true;
    await bridge?.stop();
    await http?.close();
  }, log);

  logStarting(log, config);
  bridge = new Bridge(config, log);

  http = await startBridgeHttp(config, bridge, log).catch((err: Error) => {
    process.stderr.write(`zen bot: ${err.message}\n`);
    process.exit(CONFIG_EXIT_CODE);
  });
  if (stopping) return;
  await bridge.start();
}
