/**
 * Summarises a V8 sampling heap profile (node --heap-prof): the bytes
 * allocated by each function and each component (irc-framework, ioredis, zod,
 * zenrelay's own modules, node internals), module loading left out. What a
 * process allocates per message is what its garbage collector pays for.
 * `node dist-bench/test/bench/lib/heapProfileSummary.js <file...>`
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { component } from './profileSummary';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

interface HeapProfile {
  head: HeapNode;
}

/** Whether a frame loads or compiles modules (process start-up, not message handling). */
function loadsModules(frame: HeapNode['callFrame']): boolean {
  return frame.url.startsWith('node:internal/modules/') || frame.functionName === 'compileForInternalLoader';
}

export function summariseHeap(profile: HeapProfile, top = 15): string {
  const fns = new Map<string, number>();
  const comps = new Map<string, number>();
  let startup = 0;
  const walk = (node: HeapNode, loading: boolean): void => {
    const inLoading = loading || loadsModules(node.callFrame);
    const { functionName, url, lineNumber } = node.callFrame;
    if (inLoading) startup += node.selfSize;
    else if (node.selfSize > 0) {
      const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
      fns.set(key, (fns.get(key) ?? 0) + node.selfSize);
      const c = component(url, functionName);
      comps.set(c, (comps.get(c) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, inLoading);
  };
  walk(profile.head, false);
  const total = [...comps.values()].reduce((a, b) => a + b, 0);
  const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  const pct = (bytes: number): string => `${((100 * bytes) / total).toFixed(1)}%`;
  const lines = [`sampled allocations: ${mib(total)} (module loading left out: ${mib(startup)})`, 'by component:'];
  for (const [c, b] of [...comps].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${pct(b).padStart(6)}  ${c}`);
  lines.push(`top ${top} functions by bytes allocated:`);
  for (const [f, b] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(b).padStart(6)}  ${f}`);
  return lines.join('\n');
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    process.stdout.write(`== ${basename(file)}\n${summariseHeap(JSON.parse(readFileSync(file, 'utf8')) as HeapProfile)}\n\n`);
  }
}
