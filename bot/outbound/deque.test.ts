import { Deque } from './deque';

describe('Deque', () => {
  it('works at both ends', () => {
    const d = new Deque<number>(2);
    d.push(2);
    d.push(3);
    d.unshift(1);
    d.unshift(0);
    d.push(4);
    expect([...d]).toEqual([0, 1, 2, 3, 4]);
    expect(d.peekFront()).toBe(0);
    expect(d.peekBack()).toBe(4);
    expect(d.shift()).toBe(0);
    expect(d.pop()).toBe(4);
    expect(d.length).toBe(3);
    d.clear();
    expect(d.length).toBe(0);
    expect(d.shift()).toBeUndefined();
    expect(d.pop()).toBeUndefined();
    expect(d.peekFront()).toBeUndefined();
    expect(d.peekBack()).toBeUndefined();
  });

  it('matches an array through many random operations', () => {
    const d = new Deque<number>(1);
    const model: number[] = [];
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const mismatches: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const r = rand();
      if (r < 0.35) {
        d.push(k);
        model.push(k);
      } else if (r < 0.5) {
        d.unshift(k);
        model.unshift(k);
      } else if (r < 0.8) {
        const [got, want] = [d.shift(), model.shift()];
        if (got !== want) mismatches.push(`step ${k}: shift gave ${got}, expected ${want}`);
      } else {
        const [got, want] = [d.pop(), model.pop()];
        if (got !== want) mismatches.push(`step ${k}: pop gave ${got}, expected ${want}`);
      }
      if (d.length !== model.length) mismatches.push(`step ${k}: length ${d.length}, expected ${model.length}`);
    }
    expect(mismatches).toEqual([]);
    expect([...d]).toEqual(model);
  });
});
