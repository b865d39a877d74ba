/**
 * Docs are part of the feature: the README's configuration table and
 * docs/protocol.md must cover what the code does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSettings } from '../bot/config';
import { INBOUND_TYPES, OUTBOUND_TYPES } from '@zenrelay/protocol';
import { serviceSettings } from '@zenrelay/sdk';
import { helpSettings } from '../services/help';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const protocol = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');

describe('README configuration table', () => {
  const rows = new Map(
    readme
      .split('\n')
      .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
      .map((line) => {
        const cells = line.split('|').map((c) => c.trim());
        return [cells[1].replace(/`/g, ''), cells[2]] as const;
      }),
  );

  it.each(describeSettings().map((s) => [s.variable, s.default] as const))('lists %s with its default', (variable, def) => {
    expect(rows.has(variable)).toBe(true);
    const cell = rows.get(variable) ?? '';
    if (def === undefined) expect(cell).toMatch(/required/);
    else if (def === '') expect(cell).toMatch(/empty/);
    else expect(cell).toBe(`\`${def}\``);
  });
});

describe("README's service settings", () => {
  it.each([...Object.values(serviceSettings), ...Object.values(helpSettings)].map((s) => [s.variable, s.default] as const))('lists %s with its default', (variable, def) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable}\` |`));
    expect(row).toBeDefined();
    expect(row?.split('|')[2].trim()).toBe(`\`${def}\``);
  });
});

describe('installing the client packages in your own folder', () => {
  const guide = readFileSync(join(root, 'docs', 'writing-a-client.md'), 'utf8');
  const blockAfter = (text: string, heading: string) => /```sh\n([\s\S]*?)```/.exec(text.split(`${heading}\n`)[1] ?? '')?.[1];

  it.each(['### In your own folder', '### Python in your own folder'])('the README shows the lines CI runs (%s in docs/writing-a-client.md)', (heading) => {
    const lines = blockAfter(guide, heading);
    expect(lines).toBeDefined();
    expect(readme).toContain(`\`\`\`sh\n${lines}\`\`\``);
  });
});

describe('docs/protocol.md', () => {
  it.each([...INBOUND_TYPES])('documents the in type %s', (type) => {
    const headings = protocol.split('\n').filter((line) => line.startsWith('### '));
    expect(headings.some((h) => h.includes(`\`${type}\``))).toBe(true);
  });

  it.each([...OUTBOUND_TYPES])('documents the out type %s', (type) => {
    expect(protocol).toMatch(new RegExp(`"type":"${type}"`));
  });
});
