import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimSandboxDir, processAlive, removeStaleSandboxDirs, SANDBOX_DIR_PREFIX } from './staleDirs';

describe('removeStaleSandboxDirs', () => {
  let parent: string;
  beforeEach(() => (parent = mkdtempSync(join(tmpdir(), 'zenrelay-stale-test-'))));
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  function sandboxDir(name: string, owner?: number): string {
    const dir = join(parent, `${SANDBOX_DIR_PREFIX}${name}`);
    mkdirSync(dir);
    if (owner !== undefined) claimSandboxDir(dir, owner);
    return dir;
  }

  it('removes the dirs of dead owners only', () => {
    // A PID that surely is dead: a child that has exited and been reaped.
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    expect(processAlive(dead)).toBe(false);
    const stale = sandboxDir('killed', dead);
    const live = sandboxDir('running', process.ppid);
    const mine = sandboxDir('mine', process.pid);
    const unknown = sandboxDir('no-owner');
    const other = join(parent, 'zenrelay-ngircd-x');
    mkdirSync(other);
    claimSandboxDir(other, dead);
    expect(removeStaleSandboxDirs(parent)).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    for (const kept of [live, mine, unknown, other]) expect(existsSync(kept)).toBe(true);
  });

  it('does nothing when the parent does not exist', () => {
    expect(removeStaleSandboxDirs(join(parent, 'missing'))).toEqual([]);
  });
});
