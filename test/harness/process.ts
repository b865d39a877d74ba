/**
 * Spawning and stopping real server processes.
 *
 * Every server runs under `setpriv --pdeathsig SIGKILL` so the kernel kills it
 * if the test process dies without cleaning up, optionally as user nobody
 * (InspIRCd refuses to run as root). Output goes into a ring buffer for error
 * messages, and all PIDs are tracked (cleanup.ts) so they are SIGKILLed on
 * exit as well.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Socket, connect } from 'node:net';
import { trackPid, untrackPid } from './cleanup';
import { RingBuffer } from './ringBuffer';
import { delay } from './waitFor';

/** How a process ended. `error` is set when it could not be spawned at all. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** A spawned server process. */
export interface ServerProcess {
  /** Short label used in error messages, e.g. "redis". */
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves (never rejects) once the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Set once the process has exited. */
  exitInfo(): ExitInfo | undefined;
  /** The last 64 KiB of combined stdout/stderr. */
  output(): string;
}

export interface SpawnServerOptions {
  cwd?: string;
  /** Run as nobody:nogroup (only possible, and only done, when we are root). */
  unprivileged?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Formats an ExitInfo for messages: "exit code 1", "signal SIGKILL". */
export function describeExit(info: ExitInfo): string {
  if (info.error) return `spawn error: ${info.error.message}`;
  if (info.signal) return `signal ${info.signal}`;
  return `exit code ${String(info.code)}`;
}

/** Spawns `command args` as a tracked server process. */
export function spawnServer(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnServerOptions = {},
): ServerProcess {
  const wrapper = ['--pdeathsig', 'SIGKILL'];
  if (options.unprivileged && process.getuid?.() === 0) {
    wrapper.push('--reuid=nobody', '--regid=nogroup', '--clear-groups');
  }
  const child = spawn('setpriv', [...wrapper, '--', command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const buffer = new RingBuffer();
  child.stdout?.setEncoding('utf8').on('data', (text: string) => buffer.push(text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => buffer.push(text));

  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info ??= { code, signal };
      resolve(info);
    });
    child.once('error', (error) => {
      info ??= { code: null, signal: null, error };
      resolve(info);
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) {
    trackPid(pid);
    void exited.then(() => untrackPid(pid));
  }
  // Never let a forgotten server keep the test process alive; the exit hook
  // and pdeathsig kill it instead.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    if (stream instanceof Socket) stream.unref();
  }
  return { name, pid, child, exited, exitInfo: () => info, output: () => buffer.text() };
}

/**
 * Resolves once a TCP connection to host:port succeeds. Rejects after
 * `timeoutMs`, or early if `proc` exits meanwhile.
 */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  host = '127.0.0.1',
  proc?: ServerProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    const exit = proc?.exitInfo();
    if (proc && exit) {
      throw new Error(`${proc.name} exited (${describeExit(exit)}) before ${host}:${port} accepted connections`);
    }
    try {
      await tryConnect(host, port, Math.max(100, deadline - Date.now()));
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await delay(50);
  }
  throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms (last error: ${lastError})`);
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('connect timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/**
 * Sends `signal` and waits up to `timeoutMs` for the process to exit, then
 * SIGKILLs it. Resolves with how it exited; a no-op for exited processes.
 */
export async function stopProcess(
  proc: ServerProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 5000,
): Promise<ExitInfo> {
  const done = proc.exitInfo();
  if (done) return done;
  sendSignal(proc, signal);
  const first = await withTimeout(proc.exited, timeoutMs);
  if (first) return first;
  sendSignal(proc, 'SIGKILL');
  const second = await withTimeout(proc.exited, 5000);
  if (second) return second;
  throw new Error(`${proc.name} (pid ${proc.pid}) did not exit even after SIGKILL`);
}

/** SIGKILLs the process (crash simulation) and waits for it to be gone. */
export function killHard(proc: ServerProcess): Promise<ExitInfo> {
  return stopProcess(proc, 'SIGKILL', 5000);
}

function sendSignal(proc: ServerProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(proc.pid, signal);
  } catch {
    // exited in the meantime
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
