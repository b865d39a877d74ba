/**
 * Tests that run the built code (`dist/`) as separate processes: the `zen`
 * CLI and services using the compiled SDK. `npm test` builds first; running
 * one file with `npx jest` needs `npm run build` when sources changed, and
 * these helpers say so instead of testing stale code.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess, spawnServer } from '../harness';

export const repoRoot = join(__dirname, '..', '..');

/** Where `<module>.ts` is built: a workspace package builds into its own dist/, the rest into dist/. */
export function builtPath(module: string): string {
  const inPackage = /^clients\/(protocol|runtime|sdk)\/(?!examples\/)(.+)$/.exec(module);
  return inPackage ? join(repoRoot, 'clients', inPackage[1], 'dist', `${inPackage[2]}.js`) : join(repoRoot, 'dist', `${module}.js`);
}

/**
 * The path of the built `<module>.js`, after checking that it exists and is
 * not older than `<module>.ts` (e.g. `clients/cli/zen`).
 */
export function builtModule(module: string, alsoCheck: readonly string[] = []): string {
  const target = builtPath(module);
  for (const source of [module, ...alsoCheck]) {
    const js = builtPath(source);
    const ts = join(repoRoot, `${source}.ts`);
    if (!existsSync(js)) throw new Error(`${js} is missing: run \`npm run build\` first (npm test does)`);
    if (existsSync(ts) && statSync(ts).mtimeMs > statSync(js).mtimeMs) {
      throw new Error(`${js} is older than ${source}.ts: run \`npm run build\` first (npm test does)`);
    }
  }
  return target;
}

/** A spawned process whose stdout is also kept on its own (output() mixes in stderr). */
export interface ChildWithStdout {
  proc: ServerProcess;
  stdout(): string;
}

/** Spawns `node <script> …args` as a tracked process (killed if the test process dies). */
export function spawnNode(name: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildWithStdout {
  const proc = spawnServer(name, process.execPath, [script, ...args], { cwd: repoRoot, env });
  let out = '';
  proc.child.stdout?.on('data', (text: string) => (out += text));
  return { proc, stdout: () => out };
}
