import { BoundedBuffer } from './boundedBuffer';

describe('BoundedBuffer', () => {
  it('keeps order and hands items out in batches', () => {
    const b = new BoundedBuffer<number>(10);
    for (let i = 0; i < 5; i++) b.push(i);
    expect(b.take(2)).toEqual([0, 1]);
    expect(b.take(10)).toEqual([2, 3, 4]);
    expect(b.size).toBe(0);
  });

  it('drops the oldest items when full and counts them', () => {
    const b = new BoundedBuffer<number>(3);
    const droppedNow = [1, 2, 3, 4, 5].map((i) => b.push(i));
    expect(droppedNow).toEqual([[], [], [], [1], [2]]);
    expect(b.dropped).toBe(2);
    expect(b.take(10)).toEqual([3, 4, 5]);
  });

  it('puts a failed batch back in front', () => {
    const b = new BoundedBuffer<number>(10);
    [1, 2, 3, 4].forEach((i) => b.push(i));
    const batch = b.take(2);
    b.push(5);
    b.restore(batch);
    expect(b.take(10)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops the oldest beyond a lowered capacity at once, and grows again', () => {
    const b = new BoundedBuffer<number>(100);
    for (let i = 1; i <= 10; i++) b.push(i);
    expect(b.setCapacity(4)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.dropped).toBe(6);
    expect(b.setCapacity(100)).toEqual([]);
    b.push(11);
    expect(b.take(100)).toEqual([7, 8, 9, 10, 11]);
  });

  it('returns what no longer fits when a failed batch goes back', () => {
    const b = new BoundedBuffer<number>(3);
    [1, 2, 3].forEach((i) => b.push(i));
    const batch = b.take(2);
    b.push(4);
    b.push(5);
    expect(b.restore(batch)).toEqual([1, 2]);
    expect(b.take(10)).toEqual([3, 4, 5]);
  });

  it('stays correct across many pushes and takes (compaction)', () => {
    const b = new BoundedBuffer<number>(5000);
    const seen: number[] = [];
    for (let i = 0; i < 20000; i++) {
      b.push(i);
      if (i % 3 === 0) seen.push(...b.take(2));
    }
    seen.push(...b.take(100000));
    expect(seen.length + b.dropped).toBe(20000);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });
});
