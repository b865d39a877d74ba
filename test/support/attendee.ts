/**
 * Doing what the docs tell an attendee to do, in a fresh folder outside the
 * checkout: the shell blocks of docs/writing-a-client.md are read from the
 * doc and run line by line (with `~/zenrelay` = this checkout, `~/my-bot` =
 * a temp folder), so the docs and CI cannot drift apart.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './built';

/** The first ```<lang> block after the heading line `heading` in a repo file. */
export function docBlock(file: string, heading: string, lang: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const at = text.split('\n').findIndex((line) => line.trim() === heading);
  if (at < 0) throw new Error(`${file} has no heading ${JSON.stringify(heading)}`);
  const rest = text.split('\n').slice(at + 1).join('\n');
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(rest);
  if (!block) throw new Error(`${file}: no \`\`\`${lang} block after ${heading}`);
  return block[1].trimEnd().split('\n');
}

/** A fresh folder outside the checkout, standing for `~/my-bot`. */
export function attendeeFolder(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** The environment without npm's own `npm_*` variables (jest may run under `npm test`), plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  // use the npm cache when it has what is needed (the registry is still asked for anything missing)
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

/** A doc line with `~/zenrelay` and `~/my-bot` replaced by real paths. */
export function localize(line: string, folder: string): string {
  return line.split('~/zenrelay').join(repoRoot).split('~/my-bot').join(folder);
}

/** Runs one shell line with bash in `cwd`; rejects with its output when it fails. Returns the new cwd after a `cd`. */
export function runLine(line: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-euo', 'pipefail', '-c', `${line}\npwd`], { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`\`${line}\` failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout.trimEnd().split('\n').pop() ?? cwd);
    });
  });
}

/** Runs doc lines in order (comments stripped, `cd` carried over), like a user typing them. */
export async function runLines(lines: readonly string[], folder: string, env: NodeJS.ProcessEnv, startIn = folder): Promise<void> {
  let cwd = startIn;
  for (const raw of lines) {
    const line = raw.replace(/\s+#\s.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    cwd = await runLine(localize(line, folder), cwd, env);
  }
}
