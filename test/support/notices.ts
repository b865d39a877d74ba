/**
 * Helpers for the durable-notice tests: run `zen notify` (the built CLI) with
 * stdin and capture its exit code, run the bot as a child process (for
 * kill -9), and read what an IRC user got. (The TCP gate lives in tcpGate.ts.)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NoticeClient, prepareNotice } from '../../clients/notices';
import { connectUser, killHard, spawnServer, stopProcess, type IrcUser, type ServerProcess } from '../harness';

export const ZEN_CLI = join(__dirname, '..', '..', 'dist', 'clients', 'cli', 'zen.js');

function requireBuild(): void {
  if (!existsSync(ZEN_CLI)) throw new Error(`${ZEN_CLI} is missing; run \`npm run build\` first (npm test does)`);
}

export interface ZenResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/clients/cli/zen.js <args>` to completion (killed after `timeoutMs`). */
export function runZen(args: string[], env: Record<string, string>, options: { stdin?: string; timeoutMs?: number } = {}): Promise<ZenResult> {
  requireBuild();
  return new Promise<ZenResult>((resolve, reject) => {
    const child = spawn(process.execPath, [ZEN_CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** `zen notify` that must succeed (exit 0); fails the test with its output otherwise. */
export async function notify(env: Record<string, string>, ...args: string[]): Promise<ZenResult> {
  const result = await runZen(['notify', ...args], env);
  if (result.code !== 0) throw new Error(`zen notify ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

/** The bot as a separate process (`zen bot`), so it can be SIGKILLed. */
export class BotProcess {
  private constructor(readonly proc: ServerProcess) {}

  static start(env: Record<string, string>): BotProcess {
    requireBuild();
    return new BotProcess(spawnServer('zen-bot', process.execPath, [ZEN_CLI, 'bot'], { env: { PATH: process.env.PATH ?? '', ...env } }));
  }

  /** kill -9. */
  async kill(): Promise<void> {
    await killHard(this.proc);
  }

  /** SIGTERM, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    await stopProcess(this.proc, 'SIGTERM', 15000);
  }

  output(): string {
    return this.proc.output();
  }
}

/** Texts of the PRIVMSGs `user` received on `target` (a channel, or the user's own nick), in order. */
export function textsOn(user: IrcUser, target: string): string[] {
  return user
    .privmsgs()
    .filter((m) => m.target.toLowerCase() === target.toLowerCase())
    .map((m) => m.text);
}

/**
 * Checks a run of numbered messages `<prefix><n>` (n = 1..count) received
 * on one target: every number arrived, and every restart of the sequence
 * (a number not greater than the one before) counts as one replay.
 * Returns the duplicates and replays for the caller to bound.
 */
export function checkSequence(texts: string[], prefix: string, count: number): { missing: number[]; duplicates: number; replays: number; outOfRange: string[] } {
  const seen = new Map<number, number>();
  const outOfRange: string[] = [];
  let replays = 0;
  let previous = 0;
  for (const text of texts) {
    if (!text.startsWith(prefix)) continue;
    const n = Number(text.slice(prefix.length));
    if (!Number.isInteger(n) || n < 1 || n > count) {
      outOfRange.push(text);
      continue;
    }
    if (n <= previous) replays++;
    previous = n;
    seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  const missing: number[] = [];
  let duplicates = 0;
  for (let n = 1; n <= count; n++) {
    const times = seen.get(n) ?? 0;
    if (times === 0) missing.push(n);
    duplicates += Math.max(0, times - 1);
  }
  return { missing, duplicates, replays, outOfRange };
}

/** Queues a notice through the library (the same code path as `zen notify`); resolves with its id. */
export async function queueNotice(client: NoticeClient, to: string[], message: string): Promise<string> {
  const prepared = prepareNotice({ to, message });
  if (!prepared.ok) throw new Error(prepared.reason);
  return (await client.send(prepared)).id;
}

/** Connects a user to the IRC server and joins `channel`; the user is added to `users` for clean-up. */
export async function joinedUser(irc: { host: string; port: number }, users: IrcUser[], nick: string, channel = '#test'): Promise<IrcUser> {
  const user = await connectUser({ host: irc.host, port: irc.port, nick });
  users.push(user);
  await user.join(channel);
  return user;
}
