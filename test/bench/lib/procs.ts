/**
 * Child processes of the bench: the `zen` CLI (bot, services) exactly as users
 * start it, and the baseline scripts. Each runs under `setpriv --pdeathsig
 * SIGKILL` and is tracked by the harness, so none outlives the bench. stdin
 * is a pipe (baselines take commands there), stdout lines are kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackPid, untrackPid } from '../../harness/cleanup';
import { RingBuffer } from '../../harness/ringBuffer';
import { delay } from '../../harness/waitFor';

/** The repository root, from dist-bench/test/bench/lib. */
export const repoRoot = join(__dirname, '..', '..', '..', '..');
export const ZEN_JS = join(repoRoot, 'dist', 'clients', 'cli', 'zen.js');
/** Compiled baselines live next to this file's compiled copy. */
export const baselineScript = (name: string): string => join(__dirname, '..', 'baselines', `${name}.js`);

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Complete stdout lines received so far. */
  stdoutLines(): string[];
  /** The last 64 KiB of stdout + stderr. */
  output(): string;
  /** Writes one line to stdin. */
  tell(line: string): void;
  /** Resolves with the first stdout line (from index `since`) matching; fails on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number, since?: number): Promise<string>;
  /** Resident set size in MiB, from /proc. */
  rssMiB(): number;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/** Spawns `node <script> ...args`. */
export function spawnNodeChild(name: string, script: string, args: string[], options: SpawnOptions): Child {
  const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', process.execPath, ...(options.nodeFlags ?? []), script, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  if (pid > 0) trackPid(pid);
  const ring = new RingBuffer();
  const lines: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    ring.push(text);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) if (p !== '') lines.push(p);
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => ring.push(text));
  child.stdin?.on('error', () => undefined);
  let done: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = { code, signal };
      if (pid > 0) untrackPid(pid);
      resolve(done);
    });
  });
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  };
  const handle: Child = {
    name,
    pid,
    child,
    exited,
    isRunning: () => done === undefined,
    stdoutLines: () => lines,
    output: () => ring.text(),
    tell: (line) => void child.stdin?.write(`${line}\n`),
    async waitForLine(pattern, timeoutMs, since = 0) {
      const deadline = Date.now() + timeoutMs;
      for (let i = since; ; ) {
        for (; i < lines.length; i++) if (pattern.test(lines[i])) return lines[i];
        if (done) throw new Error(`${name} exited (${JSON.stringify(done)}) before printing ${String(pattern)}\n${ring.text()}`);
        if (Date.now() > deadline) throw new Error(`${name} did not print ${String(pattern)} within ${timeoutMs} ms\n${ring.text()}`);
        await delay(5);
      }
    },
    rssMiB: () => rssMiB(pid),
    async stop(graceMs = 10000) {
      if (done) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (done) return;
      signal('SIGKILL');
      await exited;
    },
  };
  return handle;
}

/**
 * `node <the bin's flags> dist/clients/cli/zen.js <args>`, the way users run
 * it: the node flags on the bin's first line (`#!/usr/bin/env -S node …`),
 * which `npx zen`, the Docker image and the systemd units all pass.
 */
export function spawnZen(name: string, args: string[], options: SpawnOptions): Child {
  return spawnNodeChild(name, ZEN_JS, args, { ...options, nodeFlags: [...zenNodeFlags(), ...(options.nodeFlags ?? [])] });
}

/** The node flags on the first line of the built `zen` bin. */
export function zenNodeFlags(): string[] {
  const first = readFileSync(ZEN_JS, 'utf8').split('\n', 1)[0];
  const match = /^#!\/usr\/bin\/env -S node((?: --?[\w=-]+)*)\s*$/.exec(first);
  if (!match) throw new Error(`${ZEN_JS}: first line ${JSON.stringify(first)} is not \`#!/usr/bin/env -S node [flags]\``);
  return match[1].split(' ').filter(Boolean);
}

/** CPU time a process has used so far (user + system), in ms, from /proc/<pid>/stat (0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ (`getconf CLK_TCK`), 100 on every kernel Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** VmRSS of a process in MiB (0 once it is gone). */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples rssMiB(pid) every `everyMs` until stop() and returns the peak and the samples. */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peak: number; samples: number[] } } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const v = rssMiB(pid);
    if (v > 0) samples.push(v);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const v = rssMiB(pid);
      if (v > 0) samples.push(v);
      return { peak: samples.reduce((a, b) => Math.max(a, b), 0), samples };
    },
  };
}
