/**
 * Finding the server programs the sandbox runs (`redis-server`, `ngircd`):
 * on the PATH, then in the sbin dirs Debian installs daemons to (often not
 * on a normal user's PATH). A missing one is reported with the Debian package
 * that provides it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where daemons live on Debian/Ubuntu even when the PATH lacks them. */
export const SBIN_DIRS: readonly string[] = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** A program the sandbox needs, and the Debian package that provides it. */
export interface Program {
  command: string;
  debianPackage: string;
}

export const REDIS_SERVER: Program = { command: 'redis-server', debianPackage: 'redis-server' };
export const NGIRCD: Program = { command: 'ngircd', debianPackage: 'ngircd' };

export class MissingProgramError extends Error {
  override readonly name = 'MissingProgramError';

  constructor(readonly programs: readonly Program[], searched: readonly string[]) {
    const names = programs.map((p) => p.command).join(' and ');
    const packages = [...new Set(programs.map((p) => p.debianPackage))].join(' ');
    super(
      `${names} not found (looked in ${searched.join(', ') || 'an empty PATH'}). ` +
        `Install ${programs.length > 1 ? 'them' : 'it'}: sudo apt-get install -y ${packages} ` +
        `— or set IRC_HOST (and REDIS_URL) to use servers you already run.`,
    );
  }
}

export interface SearchOptions {
  /** The PATH to search; default process.env.PATH. */
  path?: string;
  /** Searched after the PATH; default SBIN_DIRS. */
  extraDirs?: readonly string[];
}

/** The directories searched, in order, without duplicates or empty entries. */
export function searchDirs(options: SearchOptions = {}): string[] {
  const fromPath = (options.path ?? process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return [...new Set([...fromPath, ...(options.extraDirs ?? SBIN_DIRS)])];
}

/** Absolute path of an executable `command`, or undefined. */
export function findProgram(command: string, options: SearchOptions = {}): string | undefined {
  for (const dir of searchDirs(options)) {
    const candidate = join(dir, command);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Paths of every program, in order; throws one MissingProgramError naming all that are missing. */
export function requirePrograms(programs: readonly Program[], options: SearchOptions = {}): string[] {
  const found = programs.map((p) => findProgram(p.command, options));
  const missing = programs.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) throw new MissingProgramError(missing, searchDirs(options));
  return found as string[];
}
