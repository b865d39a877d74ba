/**
 * The hostile IRC server (hostileIrcServer.js) as a tracked child process: it
 * registers the bot like a real server, then sends whatever a test asks,
 * malformed or huge, and reports every line the bot writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { trackPid, untrackPid } from './cleanup';
import { waitUntil } from './waitFor';

const SCRIPT = join(__dirname, 'hostileIrcServer.js');

export interface HostileIrc {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** Every line the bot wrote, oldest first (cleared by clearLines). */
  readonly lines: string[];
  /** Times a client connected. */
  connections(): number;
  /** Sends lines (CRLF added) and resolves once they are written to the socket and drained. */
  send(lines: string[]): Promise<void>;
  /** Sends bytes as they are. */
  sendRaw(bytes: Buffer): Promise<void>;
  /** Sends `count` lines made from `template` with `{i}` replaced by 0, 1, … */
  flood(template: string, count: number, timeoutMs?: number): Promise<void>;
  /** Sends `bytes` bytes of 'A' without a line end, then `end`. */
  huge(bytes: number, end?: string, timeoutMs?: number): Promise<void>;
  /** Drops the bot's connection (it reconnects). */
  close(): Promise<void>;
  /** Waits for a line from the bot matching `test`; returns it. */
  waitForLine(test: (line: string) => boolean, timeoutMs?: number, what?: string): Promise<string>;
  clearLines(): void;
  stop(): Promise<void>;
}

type ServerEvent = { event: string; id?: number; port?: number; line?: string; message?: string };

export interface StartHostileIrcOptions {
  /** Caps to offer instead of the default (chghost, server-time, multi-prefix), values included: `draft/multiline=max-bytes=4096`. */
  caps?: string[];
}

export async function startHostileIrc(options: StartHostileIrcOptions = {}): Promise<HostileIrc> {
  const args = ['--pdeathsig', 'SIGKILL', '--', process.execPath, SCRIPT, ...(options.caps ? [JSON.stringify(options.caps)] : [])];
  const child: ChildProcess = spawn('setpriv', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid ?? -1;
  trackPid(pid);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    untrackPid(pid);
    resolve();
  }));
  const lines: string[] = [];
  const done = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let port = 0;
  let connections = 0;
  let nextId = 1;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const event = JSON.parse(text) as ServerEvent;
    if (event.event === 'listening') port = event.port ?? 0;
    else if (event.event === 'connected') connections++;
    else if (event.event === 'line') lines.push(event.line ?? '');
    else if (event.event === 'done' && event.id !== undefined) done.get(event.id)?.resolve();
    else if (event.event === 'error' && event.id !== undefined) done.get(event.id)?.reject(new Error(`hostile server: ${event.message}`));
  });
  await waitUntil(() => {
    if (child.exitCode !== null) throw new Error(`hostile IRC server exited: ${stderr}`);
    return port > 0;
  }, 10000, 'the hostile IRC server to listen');

  const command = (op: Record<string, unknown>, timeoutMs = 60000): Promise<void> => {
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hostile server: ${String(op.op)} not done after ${timeoutMs} ms`)), timeoutMs);
      done.set(id, {
        resolve: () => {
          clearTimeout(timer);
          done.delete(id);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          done.delete(id);
          reject(e);
        },
      });
      child.stdin!.write(`${JSON.stringify({ ...op, id })}\n`);
    });
  };

  return {
    host: '127.0.0.1',
    port,
    pid,
    lines,
    connections: () => connections,
    send: (l) => command({ op: 'send', lines: l }),
    sendRaw: (bytes) => command({ op: 'raw', base64: bytes.toString('base64') }),
    flood: (template, count, timeoutMs) => command({ op: 'flood', template, count }, timeoutMs),
    huge: (bytes, end = '\r\n', timeoutMs) => command({ op: 'huge', bytes, end }, timeoutMs),
    close: () => command({ op: 'close' }),
    async waitForLine(test, timeoutMs = 15000, what = 'a line from the bot') {
      let found: string | undefined;
      await waitUntil(() => (found = lines.find(test)) !== undefined, timeoutMs, what).catch((e: Error) => {
        throw new Error(`${e.message}; last lines from the bot: ${JSON.stringify(lines.slice(-10))}`);
      });
      return found as string;
    },
    clearLines: () => {
      lines.length = 0;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
