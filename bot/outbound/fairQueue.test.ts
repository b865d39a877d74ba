import { FairQueue } from './fairQueue';

function drainAll<T>(q: FairQueue<T>): string[] {
  const out: string[] = [];
  for (let next = q.shift(); next !== undefined; next = q.shift()) out.push(`${next.key}:${String(next.item)}`);
  return out;
}

describe('FairQueue', () => {
  it('keeps FIFO order within a key', () => {
    const q = new FairQueue<number>();
    q.pushMany('a', [1, 2, 3]);
    q.push('a', 4);
    expect(drainAll(q)).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(q.shift()).toBeUndefined();
  });

  it('serves keys round-robin', () => {
    const q = new FairQueue<number>();
    q.pushMany('a', [1, 2, 3]);
    q.pushMany('b', [1, 2]);
    q.push('c', 1);
    expect(drainAll(q)).toEqual(['a:1', 'b:1', 'c:1', 'a:2', 'b:2', 'a:3']);
  });

  it('does not let a long backlog starve a key that arrives later', () => {
    const q = new FairQueue<number>();
    q.pushMany('busy', Array.from({ length: 100 }, (_, k) => k));
    expect(q.shift()).toEqual({ key: 'busy', item: 0 });
    q.push('quiet', 0);
    const next = [q.shift(), q.shift()].map((x) => x?.key);
    expect(next).toContain('quiet');
  });

  it('drops a key from the rotation when it empties, and a returning key joins at the back', () => {
    const q = new FairQueue<string>();
    q.push('a', 'x');
    q.pushMany('b', ['x', 'y']);
    expect(q.keys()).toEqual(['a', 'b']);
    q.shift(); // a empties
    expect(q.keys()).toEqual(['b']);
    expect(q.sizeOf('a')).toBe(0);
    q.push('a', 'z');
    expect(q.keys()).toEqual(['b', 'a']);
    expect(drainAll(q)).toEqual(['b:x', 'a:z', 'b:y']);
  });

  it('counts items', () => {
    const q = new FairQueue<number>();
    expect(q.size).toBe(0);
    q.pushMany('a', [1, 2]);
    q.push('b', 1);
    q.pushMany('c', []);
    expect(q.size).toBe(3);
    expect(q.sizeOf('a')).toBe(2);
    expect(q.sizeOf('c')).toBe(0);
    expect(q.keys()).toEqual(['a', 'b']);
    q.shift();
    expect(q.size).toBe(2);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.keys()).toEqual([]);
    expect(q.shift()).toBeUndefined();
  });

  it('undoes a shift with unshift: same item, same key next', () => {
    const q = new FairQueue<number>();
    q.pushMany('a', [1, 2]);
    q.pushMany('b', [1, 2]);
    q.pushMany('c', [1]);
    const taken = q.shift();
    expect(taken).toEqual({ key: 'a', item: 1 });
    q.unshift('a', 1);
    expect(drainAll(q)).toEqual(['a:1', 'b:1', 'c:1', 'a:2', 'b:2']);
  });

  it('undoes the shift that emptied a key', () => {
    const q = new FairQueue<number>();
    q.push('a', 1);
    q.pushMany('b', [1, 2]);
    q.shift();
    q.unshift('a', 1);
    expect(q.size).toBe(3);
    expect(drainAll(q)).toEqual(['a:1', 'b:1', 'b:2']);
  });

  it('keeps order within a key through unshift', () => {
    const q = new FairQueue<number>();
    q.pushMany('a', [2, 3]);
    q.push('b', 1);
    q.unshift('a', 1);
    expect(drainAll(q).filter((s) => s.startsWith('a:'))).toEqual(['a:1', 'a:2', 'a:3']);
  });

  it('handles a large backlog', () => {
    const q = new FairQueue<number>();
    const n = 100_000;
    for (let k = 0; k < n; k++) q.push(k % 2 === 0 ? 'even' : 'odd', k);
    let expected = 0;
    let outOfOrder = 0;
    for (let next = q.shift(); next !== undefined; next = q.shift()) {
      if (next.item !== expected++) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    expect(expected).toBe(n);
  });
});
