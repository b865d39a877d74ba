/**
 * A fair queue: one FIFO per key, served round-robin, so a key with a long
 * backlog (a chatty channel) cannot hold up the others. Order within a key is
 * kept. Keys are compared exactly; normalise them (e.g. lowercase) before use.
 */
import { Deque } from './deque';

export interface KeyedItem<T> {
  key: string;
  item: T;
}

export class FairQueue<T> {
  /** Queues of keys that hold at least one item; a key is removed when it empties. */
  private readonly queues = new Map<string, Deque<T>>();
  /** Keys with items, in the order they will be served. Each such key appears exactly once. */
  private readonly rotation = new Deque<string>();
  private total = 0;

  /** Total items queued over all keys. */
  get size(): number {
    return this.total;
  }

  /** Items queued for `key`. */
  sizeOf(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** Keys that have items, in the order they will next be served. */
  keys(): string[] {
    return [...this.rotation];
  }

  /** Adds an item at the back of its key's queue. A new key joins the rotation at the back. */
  push(key: string, item: T): void {
    this.queueFor(key).push(item);
    this.total++;
  }

  /** Adds items, in order, at the back of one key's queue. */
  pushMany(key: string, items: readonly T[]): void {
    if (items.length === 0) return;
    const queue = this.queueFor(key);
    for (const item of items) queue.push(item);
    this.total += items.length;
  }

  /**
   * Takes the next item: the head of the key whose turn it is. That key then
   * goes to the back of the rotation, or leaves it if it has nothing left.
   */
  shift(): KeyedItem<T> | undefined {
    const key = this.rotation.shift();
    if (key === undefined) return undefined;
    const queue = this.queues.get(key) as Deque<T>;
    const item = queue.shift() as T;
    this.total--;
    if (queue.length === 0) this.queues.delete(key);
    else this.rotation.push(key);
    return { key, item };
  }

  /**
   * Puts an item back at the head of its key's queue (e.g. after a failed
   * write), so it is the next item of that key. When the key had emptied, or
   * was just moved to the back by the shift that took this item, it is moved
   * to the front of the rotation: an unshift right after a shift undoes it.
   */
  unshift(key: string, item: T): void {
    const existing = this.queues.get(key);
    if (existing === undefined) {
      const queue = new Deque<T>();
      queue.push(item);
      this.queues.set(key, queue);
      this.rotation.unshift(key);
    } else {
      existing.unshift(item);
      if (this.rotation.peekBack() === key && this.rotation.length > 1) {
        this.rotation.pop();
        this.rotation.unshift(key);
      }
    }
    this.total++;
  }

  /** Removes everything. */
  clear(): void {
    this.queues.clear();
    this.rotation.clear();
    this.total = 0;
  }

  private queueFor(key: string): Deque<T> {
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = new Deque<T>();
      this.queues.set(key, queue);
      this.rotation.push(key);
    }
    return queue;
  }
}
