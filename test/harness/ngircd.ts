/**
 * A real ngIRCd 26 on a free loopback port.
 *
 * Runs as nobody (via setpriv; as root ngircd would switch to nobody itself,
 * which would also clear the parent-death signal) with `-n` (no fork) and a
 * config in a temp dir. No PAM, ident or DNS lookups, unlimited connections
 * per IP and channels per user, nicks up to 30 chars. Anyone may create a
 * channel by joining it. By default ngircd's normal flood penalty applies
 * (commands are slowed down, never rejected); `noPenalty` lifts it.
 */
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { ngircdConfig as loopbackNgircdConfig } from '../../clients/cli/sandbox/recipes';
import { ManagedServer, waitForOutput } from './managedServer';
import { waitForPort } from './process';
import { makeTempDir } from './tempDir';
import type { IrcServer } from './types';

export interface StartNgircdOptions {
  /** Default: a free port. */
  port?: number;
  /** Set [Limits] MaxPenaltyTime = 0: no flood penalty at all. Default false. */
  noPenalty?: boolean;
  /** Server name; default "irc.test". */
  serverName?: string;
  /** Server password clients must send (PASS); none by default. */
  password?: string;
  /** An IRC operator (OPER name password); none by default. */
  operator?: { name: string; password: string };
}

/** The ngircd.conf the harness writes: the sandbox's loopback config with test limits. */
export function ngircdConfig(port: number, opts: StartNgircdOptions = {}): string {
  return loopbackNgircdConfig(port, {
    name: opts.serverName ?? 'irc.test',
    info: 'zenrelay test server',
    motd: 'zenrelay test server',
    password: opts.password,
    operator: opts.operator,
    extraLimits: ['PingTimeout = 120', 'PongTimeout = 20', ...(opts.noPenalty ? ['MaxPenaltyTime = 0'] : [])],
  });
}

/** Starts ngircd and resolves once it listens. */
export async function startNgircd(opts: StartNgircdOptions = {}): Promise<IrcServer> {
  const dir = makeTempDir('ngircd', 0o755);
  const confPath = join(dir, 'ngircd.conf');
  const managed = await ManagedServer.start(
    {
      name: 'ngircd',
      ownedDir: dir,
      portInUse: /Can't bind socket|Address already in use/i,
      prepare: (port) => {
        writeFileSync(confPath, ngircdConfig(port, opts));
        chmodSync(confPath, 0o644);
        return { command: 'ngircd', args: ['-n', '-f', confPath], unprivileged: true, cwd: dir };
      },
      ready: async (proc, port, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        await waitForOutput(proc, new RegExp(`Now listening on \\[127\\.0\\.0\\.1\\]:${port}\\b`), timeoutMs);
        await waitForOutput(proc, /Server "[^"]+" \(on "[^"]*"\) ready/, Math.max(100, deadline - Date.now()));
        await waitForPort(port, Math.max(100, deadline - Date.now()), '127.0.0.1', proc);
      },
    },
    opts.port,
  );
  return managed.handle({ kind: 'ngircd' as const, serverName: opts.serverName ?? 'irc.test' });
}
