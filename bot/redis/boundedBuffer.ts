/**
 * A FIFO with a size limit that drops its oldest items when full and counts
 * them. Holds `in` events while Redis is unreachable.
 */
export class BoundedBuffer<T> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends an item; returns how many old items were dropped to make room (0 or 1). */
  push(item: T): number {
    this.items.push(item);
    if (this.size <= this.capacity) return 0;
    this.head++;
    this.dropped++;
    this.compact();
    return 1;
  }

  /** Removes and returns up to `n` items from the front. */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    this.compact();
    return out;
  }

  /** Puts items back at the front (a failed send), keeping their order; drops beyond capacity from the back of them. */
  restore(batch: T[]): void {
    this.items = batch.concat(this.items.slice(this.head));
    this.head = 0;
    while (this.size > this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
