/**
 * A server process owned by the sandbox, which must never outlive `zen up`:
 *
 * - it runs in its own process group (`detached`), so Ctrl-C in the terminal
 *   reaches only `zen up`, which then stops the servers in order — after the
 *   bot has said goodbye;
 * - it runs under `setpriv --pdeathsig SIGKILL` (util-linux, on every Debian)
 *   so the kernel kills it if `zen up` dies without cleaning up, even by
 *   SIGKILL;
 * - whatever is still running when `zen up` exits is SIGKILLed by an 'exit'
 *   hook.
 *
 * As root it can run as nobody (ngircd refuses to stay root).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { findProgram } from './binaries';

const OUTPUT_LIMIT = 32 * 1024;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface StartChildOptions {
  /** Label for messages: "redis-server", "ngircd". */
  name: string;
  /** Absolute path of the program. */
  program: string;
  args: readonly string[];
  cwd?: string;
  /** Run as nobody:nogroup when we are root (needs setpriv). */
  dropRoot?: boolean;
}

const running = new Set<SandboxChild>();
let exitHookInstalled = false;

function killAllNow(): void {
  for (const child of running) child.killNow();
}

export class SandboxChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves (never rejects) when the process has exited. */
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | undefined;
  private text = '';

  constructor(options: StartChildOptions) {
    this.name = options.name;
    const setpriv = findProgram('setpriv');
    let command = options.program;
    let args = [...options.args];
    if (setpriv) {
      const wrapper = ['--pdeathsig', 'SIGKILL'];
      if (options.dropRoot && process.getuid?.() === 0) wrapper.push('--reuid=nobody', '--regid=nogroup', '--clear-groups');
      args = [...wrapper, '--', command, ...args];
      command = setpriv;
    }
    this.process = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.process.stdout, this.process.stderr]) stream?.setEncoding('utf8').on('data', (chunk: string) => this.append(chunk));
    this.exited = new Promise<ChildExit>((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exit ??= { code, signal };
        running.delete(this);
        resolve(this.exit);
      });
      this.process.once('error', (error) => {
        this.exit ??= { code: null, signal: null, error };
        running.delete(this);
        resolve(this.exit);
      });
    });
    running.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', killAllNow);
    }
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** How it exited; undefined while running. */
  get exitInfo(): ChildExit | undefined {
    return this.exit;
  }

  /** The last 32 KiB of its stdout and stderr. */
  output(): string {
    return this.text;
  }

  /** Resolves once the output matches; rejects if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text)) {
      if (this.exit) throw new Error(`${this.name} exited (${describeExit(this.exit)}) before it was ready`);
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  async stop(graceMs = 5000): Promise<ChildExit> {
    if (this.exit) return this.exit;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), graceMs)));
    const first = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (first) return first;
    this.signal('SIGKILL');
    return this.exited;
  }

  /** SIGKILL without waiting (the exit hook). */
  killNow(): void {
    if (!this.exit) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  private append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > OUTPUT_LIMIT) this.text = this.text.slice(-OUTPUT_LIMIT);
  }
}

export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}
