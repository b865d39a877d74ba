/**
 * A growable ring-buffer double-ended queue: push, pop, shift and unshift are
 * all O(1) amortized, unlike Array#shift / Array#unshift on large arrays.
 */
export class Deque<T> {
  private buffer: (T | undefined)[];
  private head = 0; // index of the first item
  private count = 0;

  constructor(initialCapacity = 8) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity *= 2;
    this.buffer = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.buffer[(this.head + this.count) & (this.buffer.length - 1)] = item;
    this.count++;
  }

  /** Adds an item at the front. */
  unshift(item: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = item;
    this.count++;
  }

  /** Removes and returns the front item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.buffer[this.head];
    this.buffer[this.head] = undefined; // let it be collected
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.count--;
    return item;
  }

  /** Removes and returns the back item. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const index = (this.head + this.count - 1) & (this.buffer.length - 1);
    const item = this.buffer[index];
    this.buffer[index] = undefined;
    this.count--;
    return item;
  }

  peekFront(): T | undefined {
    return this.count === 0 ? undefined : this.buffer[this.head];
  }

  peekBack(): T | undefined {
    return this.count === 0 ? undefined : this.buffer[(this.head + this.count - 1) & (this.buffer.length - 1)];
  }

  clear(): void {
    this.buffer = new Array<T | undefined>(8);
    this.head = 0;
    this.count = 0;
  }

  /** Items from front to back. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let k = 0; k < this.count; k++) {
      yield this.buffer[(this.head + k) & (this.buffer.length - 1)] as T;
    }
  }

  private grow(): void {
    const old = this.buffer;
    const next = new Array<T | undefined>(old.length * 2);
    for (let k = 0; k < this.count; k++) next[k] = old[(this.head + k) & (old.length - 1)];
    this.buffer = next;
    this.head = 0;
  }
}
