/**
 * docs/operations.md and the README's first section stay true to the code:
 * every metric the bot exports is documented, and the README opens with the
 * three commands a newcomer types (apt prerequisites, the stack, the tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BotMetrics } from '../bot/metrics';

const root = join(__dirname, '..');
const operations = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('docs/operations.md', () => {
  const names = new BotMetrics().registry.getMetricsAsArray().map((m) => m.name);

  it.each(names)('documents the metric %s in the metrics table', (name) => {
    expect(operations).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });

  it('documents the health reasons the endpoint gives', () => {
    for (const reason of ['redis disconnected', 'irc not registered', 'not joined: #x']) expect(operations).toContain(`\`${reason}\``);
  });
});

describe('README', () => {
  const sections = readme.split(/^## /m).slice(1);

  it('opens with the one-command section: apt prerequisites, the stack, the tests', () => {
    const first = sections[0] ?? '';
    expect(first.startsWith('Run everything with one command')).toBe(true);
    expect(first).toMatch(/sudo apt-get install -y [^\n]*redis-server[^\n]*ngircd/);
    expect(first).toMatch(/^npm ci && npm start\b/m);
    expect(first).toMatch(/^npm test\b/m);
  });

  it('has Operations, Docker and Troubleshooting sections', () => {
    const titles = sections.map((s) => s.split('\n')[0]);
    expect(titles).toEqual(expect.arrayContaining(['Operations', 'Docker', 'Troubleshooting']));
  });

  it('npm start runs zen up, built first', () => {
    expect(packageJson.scripts.start).toBe('node dist/clients/cli/zen.js up');
    expect(packageJson.scripts.prestart).toBe('npm run build');
  });
});
