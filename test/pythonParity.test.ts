/**
 * The Python package parses commands and checks targets exactly like the
 * TypeScript SDK and the bot: the same fast-check inputs go through both
 * (one python3 process for the whole batch) and must give the same results.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { targetProblem } from '@zenrelay/protocol';
import { parseCommand } from '@zenrelay/sdk';

const root = join(__dirname, '..');
const CHARS = [' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\ufeff', '\x1c', '\x85', '"', "'", '!', '#', ',', '?', '-', '_', 'a', 'W', '1', 'é', '\x00', ':'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 24 }).map((cs) => cs.join(''));

function python(inputs: Array<{ text: string; prefix: string }>): Array<{ parsed: [string, string, string[]] | null; target: boolean }> {
  const script = [
    'import json, sys',
    'from zenrelay.bot import parse_command, target_problem',
    'out = []',
    'for case in json.load(sys.stdin):',
    "    out.append({'parsed': parse_command(case['text'], case['prefix']), 'target': target_problem(case['text']) is None})",
    'print(json.dumps(out))',
  ].join('\n');
  const stdout = execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify(inputs),
    env: { ...process.env, PYTHONPATH: join(root, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as Array<{ parsed: [string, string, string[]] | null; target: boolean }>;
}

it('parse_command and target_problem agree with the TypeScript SDK and the bot', () => {
  const inputs = [
    ...fc.sample(fc.record({ text, prefix: fc.constantFrom('', '!', '!!') }), { numRuns: 600, seed: 42 }),
    ...fc.sample(fc.record({ text: fc.string({ maxLength: 20 }), prefix: fc.constant('!') }), { numRuns: 200, seed: 7 }),
    { text: '!Woot a "b c"', prefix: '!' },
    { text: 'woot\n', prefix: '' },
    { text: '#ops', prefix: '' },
  ];
  const results = python(inputs);
  expect(results).toHaveLength(inputs.length);
  const mismatches = inputs.flatMap((input, i) => {
    const ts = parseCommand(input.text, { prefix: input.prefix });
    const expected = { parsed: ts ? [ts.name, ts.args, ts.argv] : null, target: targetProblem(input.text) === undefined };
    return JSON.stringify(expected) === JSON.stringify(results[i]) ? [] : [{ input, expected, python: results[i] }];
  });
  expect(mismatches.slice(0, 5)).toEqual([]);
  // the sample exercises both outcomes of each check
  expect(results.some((r) => r.parsed !== null) && results.some((r) => r.parsed === null)).toBe(true);
  expect(results.some((r) => r.target) && results.some((r) => !r.target)).toBe(true);
});
