/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by
 * component (irc-framework, ioredis, zod, pino, zenrelay's own modules, node
 * internals, GC, idle), module loading left out. `node dist-bench/test/bench/lib/profileSummary.js <file...>`
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Whether a frame loads or compiles modules (process start-up, not message handling). */
function loadsModules(frame: ProfileNode['callFrame']): boolean {
  return frame.url.startsWith('node:internal/modules/') || frame.functionName === 'compileForInternalLoader';
}

/** The ids of nodes that run inside module loading (the frame itself or an ancestor). */
function loadingNodes(nodes: readonly ProfileNode[]): Set<number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const loading = new Set<number>();
  const mark = (id: number, inside: boolean): void => {
    const n = byId.get(id);
    if (!n) return;
    const here = inside || loadsModules(n.callFrame);
    if (here) loading.add(id);
    for (const child of n.children ?? []) mark(child, here);
  };
  if (nodes.length > 0) mark(nodes[0].id, false);
  return loading;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function component(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const own = /\/dist\/((?:bot|clients|services)\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

/** Time spent loading modules (process start-up) is left out. */
export function summarise(profile: Profile, top = 15): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const loading = loadingNodes(profile.nodes);
  const self = new Map<number, number>();
  let startup = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    if (loading.has(id)) startup += delta;
    else self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const comps = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const c = component(url, functionName);
    comps.set(c, (comps.get(c) ?? 0) + us);
  }
  const busy = total - (comps.get('(idle)') ?? 0);
  const pct = (us: number, of: number): string => `${((100 * us) / of).toFixed(1)}%`;
  const lines = [`module loading left out (${(startup / 1000).toFixed(0)} ms); total ${(total / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms`, 'by component (share of busy time):'];
  for (const [c, us] of [...comps].filter(([c]) => c !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${pct(us, busy).padStart(6)}  ${c}`);
  lines.push(`top ${top} functions by self time (share of busy time):`);
  for (const [f, us] of [...fns].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us, busy).padStart(6)}  ${f}`);
  return lines.join('\n');
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    process.stdout.write(`== ${basename(file)}\n${summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile)}\n\n`);
  }
}
