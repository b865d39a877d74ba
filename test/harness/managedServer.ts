/**
 * Lifecycle shared by all test servers: pick a port, write config, spawn,
 * wait until ready (retrying on a port clash), stop, kill, restart on the same
 * port. Failures throw with the server's captured output attached.
 */
import { freePort } from './ports';
import { describeExit, killHard, spawnServer, stopProcess, type ServerProcess } from './process';
import { removeTempDir } from './tempDir';
import type { ServerHandle } from './types';
import { delay } from './waitFor';

/** The command line for one launch. */
export interface LaunchSpec {
  command: string;
  args: string[];
  /** Run as nobody:nogroup (when we are root). */
  unprivileged?: boolean;
  cwd?: string;
}

export interface ManagedServerSpec {
  /** Label for messages: "redis", "ngircd", "inspircd". */
  name: string;
  /** Writes the config for `port` and returns the command line; called before every launch. */
  prepare(port: number): LaunchSpec;
  /** Resolves once `proc` serves on `port`; rejects otherwise. */
  ready(proc: ServerProcess, port: number, timeoutMs: number): Promise<void>;
  /** Output meaning "port already taken": starting again on a new port may help. */
  portInUse: RegExp;
  /** Extra text for logs()/errors, e.g. the tail of a log file. */
  diagnostics?(): string;
  /** Dir removed by stop(); leave undefined when the caller owns the dir. */
  ownedDir?: string;
  /** Default 20000. */
  startTimeoutMs?: number;
  /** Grace period after SIGTERM before SIGKILL; default 5000. */
  stopTimeoutMs?: number;
}

class PortInUseError extends Error {}

/** Resolves once `proc` printed something matching `pattern`. */
export async function waitForOutput(proc: ServerProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pattern.test(proc.output())) return;
    const exit = proc.exitInfo();
    if (exit) throw new Error(`${proc.name} exited (${describeExit(exit)}) before printing ${String(pattern)}`);
    if (Date.now() >= deadline) throw new Error(`${proc.name} did not print ${String(pattern)} within ${timeoutMs} ms`);
    await delay(25);
  }
}

export class ManagedServer {
  private proc: ServerProcess | undefined;
  private stopped = false;

  private constructor(
    private readonly spec: ManagedServerSpec,
    private currentPort: number,
  ) {}

  /** Starts the server on `fixedPort`, or on a free port (retrying on a clash). */
  static async start(spec: ManagedServerSpec, fixedPort?: number): Promise<ManagedServer> {
    const attempts = fixedPort === undefined ? 4 : 1;
    const server = new ManagedServer(spec, fixedPort ?? 0);
    for (let attempt = 1; ; attempt++) {
      server.currentPort = fixedPort ?? (await freePort());
      try {
        await server.launch();
        return server;
      } catch (err) {
        if (err instanceof PortInUseError && attempt < attempts) continue;
        await server.stop();
        throw err;
      }
    }
  }

  get port(): number {
    return this.currentPort;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** Captured output of the current (or last) process, plus diagnostics. */
  logs(): string {
    const extra = this.spec.diagnostics?.() ?? '';
    return `--- ${this.spec.name} output ---\n${this.proc?.output() ?? '(never started)'}${extra ? `\n${extra}` : ''}`;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.proc) await stopProcess(this.proc, 'SIGTERM', this.spec.stopTimeoutMs ?? 5000);
    } finally {
      if (this.spec.ownedDir) removeTempDir(this.spec.ownedDir);
    }
  }

  async kill(): Promise<void> {
    if (this.proc) await killHard(this.proc);
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`${this.spec.name}: restart() after stop()`);
    if (this.proc) await stopProcess(this.proc, 'SIGTERM', this.spec.stopTimeoutMs ?? 5000);
    // Same port: a clash can only be transient (e.g. a client socket), so just retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.launch();
        return;
      } catch (err) {
        if (!(err instanceof PortInUseError) || attempt >= 5) throw err;
        await delay(300);
      }
    }
  }

  /**
   * A ServerHandle backed by this server, with `extra`'s properties (getters
   * included, not evaluated) added on top.
   */
  handle<T extends object>(extra: T): ServerHandle & T {
    const server = this;
    const base: ServerHandle = {
      host: '127.0.0.1',
      get port() {
        return server.port;
      },
      get pid() {
        return server.pid;
      },
      stop: () => server.stop(),
      kill: () => server.kill(),
      restart: () => server.restart(),
      logs: () => server.logs(),
    };
    return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extra)) as ServerHandle & T;
  }

  private async launch(): Promise<void> {
    const { name } = this.spec;
    const launch = this.spec.prepare(this.currentPort);
    const proc = spawnServer(name, launch.command, launch.args, {
      cwd: launch.cwd,
      unprivileged: launch.unprivileged,
    });
    this.proc = proc;
    try {
      await this.spec.ready(proc, this.currentPort, this.spec.startTimeoutMs ?? 20000);
    } catch (err) {
      await killHard(proc);
      const reason = err instanceof Error ? err.message : String(err);
      const message =
        `${name} failed to start on 127.0.0.1:${this.currentPort}: ${reason}\n` +
        `command: setpriv ... ${[launch.command, ...launch.args].map(shellQuote).join(' ')}\n${this.logs()}`;
      if (this.spec.portInUse.test(proc.output())) throw new PortInUseError(message);
      throw new Error(message);
    }
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
