import type { Command } from 'commander';
import { describeSettings, runBot } from '../../../bot';

/** `zen bot`: the bridge process. */
export function registerBotCommand(program: Command): void {
  program
    .command('bot')
    .description('run the bridge: IRC events to Redis `in`, Redis `out` to IRC')
    .addHelpText('after', settingsHelp)
    .action(async () => {
      await runBot();
    });
}

function settingsHelp(): string {
  const rows = describeSettings().map(
    ({ variable, default: def, description }) => `  ${variable.padEnd(24)} ${description}${def ? ` [${def}]` : ''}`,
  );
  return `\nEnvironment (also read from ./.env):\n${rows.join('\n')}\n`;
}
