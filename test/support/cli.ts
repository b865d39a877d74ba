/**
 * Running the built `zen` command (dist/) as a child process, the way users
 * run it, with its output captured for assertions and error messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../harness';

export const ZEN_JS = join(__dirname, '..', '..', 'dist', 'clients', 'cli', 'zen.js');

export interface ZenProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until stdout or stderr matches; fails with both outputs. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/** Spawns `node dist/clients/cli/zen.js <args>` with exactly `env` (plus PATH unless given). */
export function spawnZen(args: string[], env: NodeJS.ProcessEnv, cwd: string): ZenProcess {
  if (!existsSync(ZEN_JS)) throw new Error(`${ZEN_JS} is missing; run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [ZEN_JS, ...args], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let done: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      done = { code, signal };
      resolve(done);
    });
  });
  const zen: ZenProcess = {
    child,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(pattern, timeoutMs = 30000) {
      let match: RegExpMatchArray | null = null;
      await waitUntil(
        () => {
          match = out.match(pattern) ?? err.match(pattern);
          if (match === null && done) throw new Error(`zen ${args.join(' ')} exited (${JSON.stringify(done)}) before printing ${String(pattern)}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`);
          return match !== null;
        },
        timeoutMs,
        `zen ${args.join(' ')} to print ${String(pattern)}`,
      ).catch((e: Error) => {
        if (done) throw e;
        throw new Error(`${e.message}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`);
      });
      return match as unknown as RegExpMatchArray;
    },
    kill() {
      if (!done) child.kill('SIGKILL');
    },
  };
  return zen;
}
