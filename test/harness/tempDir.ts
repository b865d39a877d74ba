/**
 * Temp dirs for server config and data: created with mkdtemp under
 * os.tmpdir(), tracked for removal at process exit, removed on server stop.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir, untrackDir } from './cleanup';

/**
 * Creates a fresh dir `<tmpdir>/zenrelay-<label>-XXXXXX`. `mode` (e.g. 0o777
 * for servers running as nobody) is applied with chmod, not masked by umask.
 */
export function makeTempDir(label: string, mode = 0o700): string {
  const dir = mkdtempSync(join(tmpdir(), `zenrelay-${label}-`));
  chmodSync(dir, mode);
  trackDir(dir);
  return dir;
}

/** Removes a dir made by makeTempDir (no error if it is already gone). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  untrackDir(dir);
}
