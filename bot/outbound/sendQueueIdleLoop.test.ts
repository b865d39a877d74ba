/**
 * The send queue must drain on its own when nothing else is happening in the
 * process: no HTTP endpoint, no busy socket, just the queue and its writer.
 * An unref'd setImmediate between chunks does not keep the event loop's poll
 * phase from blocking, so each chunk would then wait for an unrelated timer
 * or I/O (5,000 lines took 10-30 s in a bare `zen bot`). This runs the queue
 * in a child node process with only a fake in-memory sink and one long,
 * unrelated timer: the queue must be empty before that timer fires.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LINES_PER_TURN } from './sendQueue';

const LINES = LINES_PER_TURN * 400;
const UNRELATED_TIMER_MS = 15_000;

// The child loads the TypeScript sources through a tiny transpile-only hook,
// so the test needs no build; then it does nothing but enqueue and wait.
const child = `
const fs = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  module._compile(out.outputText, file);
};
const { SendQueue } = require(${JSON.stringify(join(__dirname, 'sendQueue.ts'))});
const queue = new SendQueue({ burst: 1, ratePerSecond: 0, maxLines: Infinity });
let written = 0;
queue.setWriter(() => { written++; return true; });
const unrelated = setTimeout(() => {
  process.stdout.write(JSON.stringify({ drained: false, written }));
  process.exit(0);
}, ${UNRELATED_TIMER_MS});
queue.once('drained', () => {
  clearTimeout(unrelated);
  process.stdout.write(JSON.stringify({ drained: true, written }));
});
const lines = [];
for (let i = 0; i < ${LINES}; i++) lines.push({ key: '#k' + (i % 3), line: 'PRIVMSG #k :line ' + i });
queue.enqueue(lines);
`;

describe('SendQueue in an otherwise idle process', () => {
  it(`writes ${LINES} lines before an unrelated ${UNRELATED_TIMER_MS / 1000} s timer fires`, () => {
    const result = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8', timeout: UNRELATED_TIMER_MS + 30_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ drained: true, written: LINES });
  }, UNRELATED_TIMER_MS + 40_000);
});
