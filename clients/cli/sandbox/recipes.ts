/**
 * How the sandbox runs its two servers, loopback only, state in a temp dir:
 *
 * - redis-server: in memory (no RDB, no AOF), in the foreground;
 * - ngircd: in the foreground (`-n`), as nobody when we are root, without
 *   PAM, ident or DNS lookups (instant, offline registration), unlimited
 *   connections per address (everyone connects from 127.0.0.1), nicks up to
 *   30 characters, anyone may create a channel by joining it.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerRecipe } from './server';

export function redisRecipe(program: string, dir: string): ServerRecipe {
  return {
    name: 'redis-server',
    ready: /Ready to accept connections/,
    portTaken: /Address already in use|Could not create server TCP listening socket/i,
    launch: (port) => ({
      program,
      cwd: dir,
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''],
    }),
  };
}

/** What differs between one loopback ngircd and another (the sandbox's, the tests'). */
export interface NgircdSetup {
  name: string;
  info: string;
  motd: string;
  /** More `[Limits]` lines, e.g. `MaxPenaltyTime = 0`. */
  extraLimits?: string[];
  /** Server password (`[Global] Password`); none by default. */
  password?: string;
  /** An `[Operator]` block (for tests that need OPER, e.g. to KLINE); none by default. */
  operator?: { name: string; password: string };
}

/**
 * An ngircd.conf for a server on 127.0.0.1 only: no PAM, ident or DNS,
 * unlimited connections per address, nicks up to 30 characters.
 */
export function ngircdConfig(port: number, setup: NgircdSetup): string {
  return [
    '[Global]',
    `Name = ${setup.name}`,
    `Info = ${setup.info}`,
    `AdminInfo1 = ${setup.info}`,
    'AdminInfo2 = loopback only',
    'AdminEMail = nobody@example.invalid',
    'Listen = 127.0.0.1',
    `Ports = ${port}`,
    `MotdPhrase = ${setup.motd}`,
    ...(setup.password === undefined ? [] : [`Password = ${setup.password}`]),
    '',
    '[Limits]',
    'MaxConnections = 0',
    'MaxConnectionsIP = 0',
    'MaxJoins = 0',
    'MaxNickLength = 30',
    ...(setup.extraLimits ?? []),
    '',
    '[Options]',
    'PAM = no',
    'Ident = no',
    'DNS = no',
    '',
    ...(setup.operator ? ['[Operator]', `Name = ${setup.operator.name}`, `Password = ${setup.operator.password}`, ''] : []),
  ].join('\n');
}

export function ngircdRecipe(program: string, dir: string, channel: string): ServerRecipe {
  const confPath = join(dir, 'ngircd.conf');
  return {
    name: 'ngircd',
    ready: /Now listening on \[127\.0\.0\.1\]:\d+/,
    portTaken: /Can't bind socket|Address already in use/i,
    launch: (port) => {
      writeFileSync(confPath, ngircdConfig(port, { name: 'zen.sandbox', info: 'zenrelay sandbox (zen up)', motd: `zenrelay sandbox: join ${channel} to meet the bot` }));
      chmodSync(confPath, 0o644);
      return { program, cwd: dir, args: ['-n', '-f', confPath], dropRoot: true };
    },
  };
}
