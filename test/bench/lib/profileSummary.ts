/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by
 * component (irc-framework, ioredis, zod, pino, zenrelay's own modules, node
 * internals, GC, idle), start-up left out. `node dist-bench/test/bench/lib/profileSummary.js <file...>`
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
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

/** The first `skipMs` of the profile (process start-up: module loading) are left out. */
export function summarise(profile: Profile, top = 15, skipMs = 2000): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsed += delta;
    if (elapsed >= skipMs * 1000) self.set(id, (self.get(id) ?? 0) + delta);
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
  const lines = [`after the first ${skipMs} ms (start-up): total ${(total / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms`, 'by component (share of busy time):'];
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
