/**
 * For `npm run bench -- --heap-profile`: a zen process preloads (`node
 * --require`) a one-line file that calls startAllocationProfile(). V8's sampling heap profiler with the objects the garbage
 * collector has already freed kept in (node's own --heap-prof reports only
 * what is still alive at exit, which for a message path is almost nothing).
 * So the profile says what each function allocates while messages flow, which
 * is what GC time is spent on. Written at exit to `file` (a .heapprofile,
 * summarised by heapProfileSummary).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function startAllocationProfile(file: string): void {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as object);
  // An in-process session answers synchronously, so this works in an exit handler.
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (!err) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}

/** Writes `<dir>/<tag>.preload.js` and returns the node flags that load it. */
export function allocationProfileFlags(dir: string, tag: string): string[] {
  const preload = join(dir, `${tag}.preload.js`);
  writeFileSync(preload, `require(${JSON.stringify(__filename)}).startAllocationProfile(${JSON.stringify(join(dir, `${tag}.heapprofile`))});\n`);
  return ['--require', preload];
}
