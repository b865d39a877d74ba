/**
 * The systemd units in docs/operations.md run what this repository builds:
 * the bin entry of package.json, zen commands that exist, a stop timeout
 * longer than the bot's drain, and no restart loop on a bad setting (exit 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSettings } from '../bot/config';
import { bundledServices } from '../services';

const root = join(__dirname, '..');
const docs = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const section = docs.split(/^## /m).find((s) => s.startsWith('systemd\n')) ?? '';
const units = [...section.matchAll(/```ini\n([\s\S]*?)```/g)].map((m) => m[1]);
const bin = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { zen: string } }).bin.zen;
/** The node flags on the bin's first line (`#!/usr/bin/env -S node …`; test/nodeFlags.test.ts checks its form). */
const flags = readFileSync(join(root, 'clients', 'cli', 'zen.ts'), 'utf8').split('\n', 1)[0].replace(/^#!\/usr\/bin\/env -S node/, '').trim();

function directive(unit: string, name: string): string | undefined {
  return unit.split('\n').find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);
}

describe('docs/operations.md systemd units', () => {
  it('has a unit for the bot and a template for the services', () => {
    expect(units).toHaveLength(2);
    expect(units.map((u) => directive(u, 'ExecStart'))).toEqual([
      `/usr/bin/node ${flags} /opt/zenrelay/${bin} bot`,
      `/usr/bin/node ${flags} /opt/zenrelay/${bin} service %i`,
    ]);
    expect(section).toContain('zenrelay-service@help');
    for (const name of section.match(/zenrelay-service@([a-z]+)/g) ?? []) {
      expect(Object.hasOwn(bundledServices, name.split('@')[1])).toBe(true);
    }
  });

  it('gives the bot longer to stop than its drain, and does not restart on a bad setting', () => {
    const drainMs = Number(describeSettings().find((s) => s.variable === 'ZEN_SHUTDOWN_TIMEOUT_MS')?.default);
    expect(Number(directive(units[0], 'TimeoutStopSec')) * 1000).toBeGreaterThan(drainMs);
    for (const unit of units) {
      expect(directive(unit, 'RestartPreventExitStatus')).toBe('2');
      expect(directive(unit, 'User')).not.toBe('root');
    }
  });
});
