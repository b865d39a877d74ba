import type { Command } from 'commander';
import { DEFAULT_WAIT_SECONDS, NOTIFY_EXIT, planNotify, type NotifyOptions } from '../notify/notifyPlan';

/** `zen notify`: queue a durable notice (see docs/notices.md). */
export function registerNotifyCommand(program: Command): void {
  program
    .command('notify')
    .description('send a message to IRC through the durable notices queue; it is kept in Redis until the bot has sent it')
    .argument('<targets>', "a nick or a channel, or several comma-separated: '#ops,alice' (quote channels)")
    .argument('[message...]', 'the text; `-` reads it from stdin (each line becomes a message)')
    .option('--action', 'send as a /me action')
    .option('--notice', 'send as an IRC NOTICE')
    .option('--wait [seconds]', `wait for the delivery receipt (default ${DEFAULT_WAIT_SECONDS} s); put it after the message or write --wait=N`)
    .option('--id <id>', 'notice id to use instead of a random one (letters, digits, . _ : -)')
    .option('--print-id', 'print the notice id on stdout')
    .option('-v, --verbose', 'say what happens, on stderr')
    .addHelpText('after', HELP)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : NOTIFY_EXIT.usage))
    .action(async (targets: string, words: string[], options: NotifyOptions) => {
      const planned = planNotify(targets, words, options);
      if (!planned.ok) {
        process.stderr.write(`zen notify: ${planned.reason}\n`);
        process.exit(NOTIFY_EXIT.usage);
      }
      const { runNotify } = require('../notify/runNotify') as typeof import('../notify/runNotify');
      const code = await runNotify(planned.plan, {
        env: process.env,
        readStdin,
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
      process.exitCode = code;
    });
}

const HELP = `
Examples:
  zen notify '#ops' deploy of v1.4 done
  make test 2>&1 | tail -5 | zen notify '#ci,alice' -
  zen notify --notice '#ops' disk 91% full --wait=60

Without --wait it exits as soon as Redis has stored the notice. The bot sends
it once it is on IRC (notices older than ZEN_NOTICE_MAX_AGE_SECONDS expire).

Exit codes:
  ${NOTIFY_EXIT.ok}  queued (without --wait) or sent (with --wait)
  ${NOTIFY_EXIT.rejected}  rejected by the bot (the reason is printed)
  ${NOTIFY_EXIT.usage}  bad arguments or configuration; nothing was queued
  ${NOTIFY_EXIT.timeout}  --wait ran out; the notice is still queued
  ${NOTIFY_EXIT.expired}  the notice expired before it could be sent
  ${NOTIFY_EXIT.redis}  Redis unreachable or failing

Environment: REDIS_URL, ZEN_NAMESPACE, ZEN_NOTICE_FATE_TTL_SECONDS,
ZEN_MAX_PAYLOAD_BYTES (checked here too). See docs/notices.md.
`;

function readStdin(): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.once('error', reject);
  });
}
