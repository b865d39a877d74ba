/**
 * Sandbox dirs left behind by a `zen up` that was killed (SIGKILL leaves no
 * chance to clean up): each sandbox dir holds its owner's PID in `owner.pid`;
 * the next start removes every sandbox dir whose owner is dead. A dir whose
 * owner still runs, or that has no readable owner, is left alone.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SANDBOX_DIR_PREFIX = 'zenrelay-sandbox-';
const OWNER_FILE = 'owner.pid';

/** Records the current process as the owner of `dir`. */
export function claimSandboxDir(dir: string, pid = process.pid): void {
  writeFileSync(join(dir, OWNER_FILE), `${pid}\n`);
}

/** Whether a process with this PID exists (EPERM: it does, but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the sandbox dirs under `parent` whose owner is dead; returns the dirs removed. */
export function removeStaleSandboxDirs(parent: string, alive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(SANDBOX_DIR_PREFIX)) continue;
    const dir = join(parent, name);
    let pid: number;
    try {
      pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Not ours to remove (another user's sandbox): leave it.
    }
  }
  return removed;
}
