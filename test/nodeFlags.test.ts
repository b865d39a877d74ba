/**
 * The node flags the `zen` bin runs with (its first line) are the ones every
 * documented way of starting it passes: the Docker image's ENTRYPOINT and the
 * systemd units in docs/operations.md. (The bench reads them from the built
 * bin, test/bench/lib/procs.ts.) See docs/benchmarks.md, memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

function binFlags(): string[] {
  const first = read('clients/cli/zen.ts').split('\n', 1)[0];
  const match = /^#!\/usr\/bin\/env -S node((?: --?[\w=-]+)*)\s*$/.exec(first);
  if (!match) throw new Error(`clients/cli/zen.ts: first line ${JSON.stringify(first)} is not \`#!/usr/bin/env -S node [flags]\``);
  return match[1].split(' ').filter(Boolean);
}

it('the bin keeps V8 small', () => {
  expect(binFlags()).toContain('--optimize-for-size');
});

it('the Docker image starts zen with the same node flags as the bin', () => {
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'));
  expect(entry).not.toBeNull();
  expect(JSON.parse((entry as RegExpExecArray)[1])).toEqual(['node', ...binFlags(), 'dist/clients/cli/zen.js']);
});

it('the systemd units in docs/operations.md start zen with the same node flags as the bin', () => {
  const lines = read('docs/operations.md')
    .split('\n')
    .filter((l) => /^ExecStart=\/usr\/bin\/node .*zen\.js/.test(l));
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) {
    const words = line.slice('ExecStart='.length).split(' ');
    const script = words.findIndex((w) => w.endsWith('/zen.js'));
    expect(words.slice(1, script)).toEqual(binFlags());
  }
});
