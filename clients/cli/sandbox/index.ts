/**
 * The private local sandbox of `zen up`: a redis-server (unless REDIS_URL
 * points elsewhere) and an ngircd on free loopback ports, with temp dirs,
 * stopped — and their dirs removed — when `zen up` stops.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGIRCD, Program, REDIS_SERVER, requirePrograms } from './binaries';
import { ngircdRecipe, redisRecipe } from './recipes';
import { RunningServer, startServer } from './server';
import { claimSandboxDir, removeStaleSandboxDirs, SANDBOX_DIR_PREFIX } from './staleDirs';

export { MissingProgramError } from './binaries';

export interface SandboxOptions {
  /** Start a redis-server too (REDIS_URL unset). */
  redis: boolean;
  /** The channel the MOTD points people to. */
  channel: string;
}

export interface Sandbox {
  irc: { host: '127.0.0.1'; port: number; pid: number };
  /** Set when the sandbox runs its own Redis. */
  redis?: { url: string; port: number; pid: number };
  /** Stops both servers and removes their dirs; safe to call twice. */
  stop(): Promise<void>;
}

/** The programs a sandbox with these options needs. */
export function sandboxPrograms(options: Pick<SandboxOptions, 'redis'>): Program[] {
  return options.redis ? [REDIS_SERVER, NGIRCD] : [NGIRCD];
}

/** Starts the sandbox; throws MissingProgramError (before starting anything) when a program is missing. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const programs = sandboxPrograms(options);
  const paths = requirePrograms(programs);
  // What a killed `zen up` left behind goes now (only dirs whose owner is dead).
  removeStaleSandboxDirs(tmpdir());
  const dir = mkdtempSync(join(tmpdir(), SANDBOX_DIR_PREFIX));
  chmodSync(dir, 0o755); // ngircd runs as nobody when we are root and must read its config
  claimSandboxDir(dir);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeDir);
  const servers: RunningServer[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // IRC first, so the bot (already gone) is not left talking to a Redis that vanished
      for (const server of [...servers].reverse()) await server.child.stop();
      removeDir();
      process.removeListener('exit', removeDir);
    })());
  try {
    let redis: Sandbox['redis'];
    if (options.redis) {
      const server = await startServer(redisRecipe(paths[0], dir));
      servers.push(server);
      redis = { url: `redis://127.0.0.1:${server.port}`, port: server.port, pid: server.child.pid };
    }
    const ircd = await startServer(ngircdRecipe(paths[paths.length - 1], dir, options.channel));
    servers.push(ircd);
    return { irc: { host: '127.0.0.1', port: ircd.port, pid: ircd.child.pid }, redis, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
