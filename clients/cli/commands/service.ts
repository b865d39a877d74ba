import type { Command } from 'commander';
import { loadBusConfig } from '@zenrelay/runtime';
import { CONFIG_EXIT_CODE, ConfigError } from '@zenrelay/runtime';
import { createLogger } from '@zenrelay/runtime';
import { onShutdownSignals } from '@zenrelay/runtime';

/** `zen service <name>`: run one bundled service until SIGTERM/SIGINT. */
export function registerServiceCommand(program: Command): void {
  program
    .command('service')
    .description('run a bundled service (see the list below)')
    .argument('<name>', 'service name')
    .addHelpText('after', () => {
      const { bundledServices } = loadServices();
      const rows = Object.entries(bundledServices).map(([name, s]) => `  ${name.padEnd(12)} ${s.description}`);
      return `\nServices:\n${rows.join('\n') || '  (none)'}\n`;
    })
    .action(async (name: string) => {
      const { bundledService, bundledServices } = loadServices();
      const service = bundledService(name);
      if (!service) {
        process.stderr.write(`zen service: no service named ${JSON.stringify(name)}; available: ${Object.keys(bundledServices).join(', ') || 'none'}\n`);
        process.exit(2);
      }
      let bus;
      try {
        bus = loadBusConfig(process.env);
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`zen service: ${err.message}\n`);
          process.exit(CONFIG_EXIT_CODE);
        }
        throw err;
      }
      const logger = createLogger(process.env.LOG_LEVEL ?? 'info', `zen-${name}`);
      // Before the start, which waits for Redis as long as it takes: a signal meanwhile stops at once, exit 0.
      let running: Awaited<ReturnType<typeof service.start>> | undefined;
      onShutdownSignals(async () => {
        await running?.close();
      }, logger);
      running = await service.start({ ...bus, env: process.env, logger }).catch((err: unknown) => {
        // A service's own settings (e.g. WEBHOOK_TOKEN) are bad: exit 2 naming the variable, like the bot.
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`zen service ${name}: ${err.message}
`);
        return process.exit(CONFIG_EXIT_CODE);
      });
      logger.info({ service: name }, 'service running');
    });
}

/** The bundled services, loaded only when this command runs (`zen bot` never loads them). */
function loadServices(): typeof import('../../../services') {
  return require('../../../services') as typeof import('../../../services');
}
