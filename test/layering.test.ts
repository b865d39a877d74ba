/**
 * The layering, bottom-up: protocol → runtime → bot / SDK → services → CLI.
 * Checked on the import statements of every source file: the packages
 * (clients/protocol, clients/runtime, clients/sdk) import each other by name
 * only and declare every package they import; nothing but the CLI imports
 * bot/, and the CLI only through bot/index.ts; no import cycle anywhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..');
const PACKAGES: Record<string, string> = {
  '@zenrelay/protocol': 'clients/protocol',
  '@zenrelay/runtime': 'clients/runtime',
  '@zenrelay/sdk': 'clients/sdk',
};
/** Which workspace packages each package may use: the layers below it. */
const ALLOWED: Record<string, readonly string[]> = {
  '@zenrelay/protocol': [],
  '@zenrelay/runtime': ['@zenrelay/protocol'],
  '@zenrelay/sdk': ['@zenrelay/protocol', '@zenrelay/runtime'],
};

function walk(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Import {
  file: string;
  spec: string;
  /** Repo-relative module path without extension for relative imports (`bot/index`), else undefined. */
  target?: string;
}

/** The specifiers of `import … from`, `export … from`, `import('…')` and `require('…')`. */
function specifiers(text: string): string[] {
  // comment lines (JSDoc examples show imports) do not count
  const source = text
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line))
    .join('\n');
  const found: string[] = [];
  for (const m of source.matchAll(/(?:^|[\s;}])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of source.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of source.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

function resolveRelative(file: string, spec: string): string {
  const base = join(dirname(file), spec);
  if (existsSync(join(root, `${base}.ts`))) return base;
  if (existsSync(join(root, base, 'index.ts'))) return join(base, 'index');
  return base;
}

const files = ['bot', 'clients', 'services', 'test'].flatMap(walk);
const imports: Import[] = files.flatMap((file) =>
  specifiers(readFileSync(join(root, file), 'utf8')).map((spec) => ({
    file,
    spec,
    target: spec.startsWith('.') ? resolveRelative(file, spec) : undefined,
  })),
);
const packageOf = (path: string): string | undefined => Object.keys(PACKAGES).find((name) => path === PACKAGES[name] || path.startsWith(`${PACKAGES[name]}/`));
const isExample = (path: string) => path.startsWith('clients/sdk/examples/');
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
const bareName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

describe('layering', () => {
  it('finds the imports it checks (the scanner works)', () => {
    expect(specifiers(" * import { z } from './z';\n// import './y';\nimport { a } from './a';\nexport * from \"./b\";\nimport type { C } from '@x/c';\nconst d = require('d');\nimport './e';")).toEqual(['./a', './b', '@x/c', './e', 'd']);
    expect(imports.some((i) => i.file === 'clients/cli/commands/bot.ts' && i.target === 'bot/index')).toBe(true);
    expect(imports.length).toBeGreaterThan(200);
  });

  it('nothing in the protocol, the runtime, the SDK or the services imports bot/', () => {
    const bad = imports.filter((i) => i.target && under(i.target, 'bot') && ['clients/protocol', 'clients/runtime', 'clients/sdk', 'services'].some((d) => under(i.file, d)));
    expect(bad).toEqual([]);
  });

  it('outside bot/ and the tests, only the CLI imports the bot, and only through bot/index.ts', () => {
    const bad = imports.filter((i) => i.target && under(i.target, 'bot') && !under(i.file, 'bot') && !under(i.file, 'test') && !i.file.endsWith('.test.ts'));
    expect(bad.filter((i) => !under(i.file, 'clients/cli') || i.target !== 'bot/index')).toEqual([]);
  });

  it('a package is imported by its name, never by a path into its folder (one copy of each module)', () => {
    const bad = imports.filter((i) => {
      if (!i.target) return false;
      const into = packageOf(i.target);
      return into !== undefined && !isExample(i.target) && (packageOf(i.file) !== into || isExample(i.file));
    });
    expect(bad).toEqual([]);
    const subpaths = imports.filter((i) => Object.hasOwn(PACKAGES, bareName(i.spec)) && i.spec !== bareName(i.spec));
    expect(subpaths).toEqual([]);
  });

  it('each package imports only the layers below it and declares every package it imports', () => {
    const builtins = new Set(builtinModules);
    for (const [name, dir] of Object.entries(PACKAGES)) {
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
      expect(manifest.name).toBe(name);
      const declared = Object.keys(manifest.dependencies ?? {});
      const used = imports.filter((i) => under(i.file, dir) && !isExample(i.file) && !i.file.endsWith('.test.ts') && !i.spec.startsWith('.'));
      const undeclared = used.filter((i) => !i.spec.startsWith('node:') && !builtins.has(i.spec) && !declared.includes(bareName(i.spec)));
      expect([name, undeclared]).toEqual([name, []]);
      const workspaceUses = used.map((i) => bareName(i.spec)).filter((n) => Object.hasOwn(PACKAGES, n));
      expect([name, workspaceUses.filter((n) => !ALLOWED[name].includes(n))]).toEqual([name, []]);
      // and nothing declared that is not used (the real dependencies only); pino-pretty is loaded by pino as a transport
      const unused = declared.filter((d) => !used.some((i) => bareName(i.spec) === d) && !(name === '@zenrelay/runtime' && d === 'pino-pretty'));
      expect([name, unused]).toEqual([name, []]);
    }
  });

  it('no import cycle among the non-test sources (services/index.ts included)', () => {
    const graph = new Map<string, string[]>();
    const named = (spec: string) => (Object.hasOwn(PACKAGES, spec) ? `${PACKAGES[spec]}/index` : undefined);
    for (const i of imports) {
      if (i.file.endsWith('.test.ts') || under(i.file, 'test')) continue;
      const to = i.target ?? named(i.spec);
      if (!to) continue;
      const from = i.file.replace(/\.ts$/, '');
      graph.set(from, [...(graph.get(from) ?? []), to]);
    }
    const cycles: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...path.slice(path.indexOf(node)), node]);
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
    expect(graph.get('services/index')).toEqual(expect.arrayContaining(['services/hello/index', 'services/service']));
  });
});
