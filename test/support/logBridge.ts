/**
 * A bridge started from an environment, with everything it logs captured
 * (as parsed pino entries and as raw text, for "no secret in the log"
 * checks). Used by the TLS, SASL and STS tests, which read the bot's own
 * words about its connection.
 */
import pino from 'pino';
import { Bridge, BridgeTuning } from '../../bot/bridge';
import { loadBotConfig } from '../../bot/config';
import { logStarting } from '../../bot/startupLog';
import { waitUntil } from '../harness';

export interface LogEntry {
  level: number;
  msg: string;
  cause?: string;
  hint?: string;
  reason?: string;
  account?: string;
  [field: string]: unknown;
}

export interface LoggedBridge {
  bridge: Bridge;
  log(): LogEntry[];
  text(): string;
  /** Resolves once a log entry matches (the entry). */
  waitForLog(predicate: (e: LogEntry) => boolean, timeoutMs?: number, what?: string): Promise<LogEntry>;
  /** Reconnect attempts so far (the connection's `reconnecting` events). */
  reconnects(): number;
  stop(): Promise<void>;
}

export const WARN = 40;
export const ERROR = 50;

/**
 * Starts a bridge with `env` (on top of nothing: give IRC_HOST, REDIS_URL…),
 * logging its `starting` lines like `zen bot` does. With `ready`, resolves
 * only once it is registered and in its channels.
 */
export async function startLoggedBridge(env: Record<string, string>, opts: { ready?: boolean; tuning?: BridgeTuning; level?: string } = {}): Promise<LoggedBridge> {
  const lines: string[] = [];
  const logger = pino({ level: opts.level ?? 'debug' }, { write: (line: string) => void lines.push(line) });
  const config = loadBotConfig(env);
  logStarting(logger, config);
  const bridge = new Bridge(config, logger, { joinTimeoutMs: 3000, nickRegainMs: 1000, rejoinDelayMs: 300, ...opts.tuning });
  let reconnects = 0;
  bridge.irc.on('reconnecting', () => reconnects++);
  const log = () => lines.map((l) => JSON.parse(l) as LogEntry);
  const logged: LoggedBridge = {
    bridge,
    log,
    text: () => lines.join(''),
    async waitForLog(predicate, timeoutMs = 20000, what = 'a log entry') {
      let found: LogEntry | undefined;
      await waitUntil(() => (found = log().find(predicate)) !== undefined, timeoutMs, `${what}; the log so far:\n${lines.join('')}`);
      return found as LogEntry;
    },
    reconnects: () => reconnects,
    stop: () => bridge.stop(),
  };
  try {
    await bridge.start();
    if (opts.ready) await waitUntil(() => bridge.status().ircReady, 20000, `the bridge to be on IRC; its log:\n${lines.join('')}`);
  } catch (err) {
    await bridge.stop();
    throw err;
  }
  return logged;
}
