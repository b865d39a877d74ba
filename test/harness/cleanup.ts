/**
 * Registry of everything the harness started in this Node process: server PIDs
 * and temp dirs. Whatever is still registered when the process exits (normal
 * exit, or SIGINT/SIGTERM/SIGHUP) is SIGKILLed / removed, so servers never
 * outlive the test run even when a test forgets to stop them.
 *
 * Hooks are installed while something is registered and removed when the
 * registry is empty again, so many test files in one Jest worker do not pile
 * up listeners. (If the worker is SIGKILLed no hook runs; for that case every
 * server is also started under `setpriv --pdeathsig SIGKILL`, see process.ts.)
 *
 * Jest gives each test file a *copy* of `process` whose events never fire, so
 * the hooks go on the real process object, fetched from the main V8 context.
 */
import { rmSync } from 'node:fs';
import { runInThisContext } from 'node:vm';

function realProcess(): NodeJS.Process {
  try {
    const candidate: unknown = runInThisContext('process');
    if (typeof candidate === 'object' && candidate !== null && 'pid' in candidate && candidate.pid === process.pid) {
      return candidate as NodeJS.Process;
    }
  } catch {
    // fall back to the global below
  }
  return process;
}

const host = realProcess();

const pids = new Set<number>();
const dirs = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function killEverythingNow(): void {
  for (const pid of pids) {
    try {
      host.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  dirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killEverythingNow();
  uninstall();
  // Keep the default behaviour (terminate) unless someone else handles it.
  if (host.listenerCount(signal) === 0) host.kill(host.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  host.on('exit', killEverythingNow);
  for (const signal of SIGNALS) host.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  host.removeListener('exit', killEverythingNow);
  for (const signal of SIGNALS) host.removeListener(signal, onSignal);
}

function sync(): void {
  if (pids.size > 0 || dirs.size > 0) install();
  else uninstall();
}

/** Registers a server PID to be SIGKILLed if the test process exits. */
export function trackPid(pid: number): void {
  pids.add(pid);
  sync();
}

/** Forgets a PID (call once the process has exited). */
export function untrackPid(pid: number): void {
  pids.delete(pid);
  sync();
}

/** Registers a temp dir to be removed if the test process exits. */
export function trackDir(dir: string): void {
  dirs.add(dir);
  sync();
}

/** Forgets a temp dir (call once it has been removed). */
export function untrackDir(dir: string): void {
  dirs.delete(dir);
  sync();
}

/** PIDs currently registered (for diagnostics and the harness self-test). */
export function trackedPids(): number[] {
  return [...pids];
}
