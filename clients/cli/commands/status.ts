import type { Command } from 'commander';
import { loadBusConfig } from '@zenrelay/runtime';
import { ConfigError } from '@zenrelay/runtime';
import { STATUS_EXIT } from '../status/exitCodes';

const DEFAULT_TIMEOUT_SECONDS = 3;

/** `zen status`: the bot's state, asked over the bus; usable as a monitoring check. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("print the bot's status (IRC, Redis, channels, send queue, uptime); exits 1 when no bot answers")
    .option('--json', 'print the answer as one JSON object')
    .option('--timeout <seconds>', `how long to wait for the bot (default ${DEFAULT_TIMEOUT_SECONDS})`)
    .addHelpText('after', HELP)
    .action(async (options: { json?: boolean; timeout?: string }) => {
      const seconds = options.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(options.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) usage(`--timeout must be a number of seconds between 0 and 600, got ${JSON.stringify(options.timeout)}`);
      let bus;
      try {
        bus = loadBusConfig(process.env);
      } catch (err) {
        if (err instanceof ConfigError) usage(err.message);
        throw err;
      }
      const { runStatus } = require('../status/runStatus') as typeof import('../status/runStatus');
      process.exitCode = await runStatus({
        bus,
        timeoutMs: Math.round(seconds * 1000),
        json: options.json === true,
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    });
}

function usage(message: string): never {
  process.stderr.write(`zen status: ${message}\n`);
  process.exit(STATUS_EXIT.usage);
}

const HELP = `
Exit codes:
  ${STATUS_EXIT.ok}  the bot answered (its IRC state may still be "not connected": see the output)
  ${STATUS_EXIT.noBot}  no bot answered within the timeout
  ${STATUS_EXIT.usage}  bad arguments or configuration
  ${STATUS_EXIT.redis}  Redis unreachable

Reads REDIS_URL and ZEN_NAMESPACE like the bot. The request and its answer are
documented in docs/protocol.md ("Requests and responses").
`;
