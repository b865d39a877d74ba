/**
 * A FIFO with a size limit that drops its oldest items when full and hands
 * them back (so the caller can count them by kind). The limit can change:
 * lowering it drops the oldest items beyond it at once.
 */
export class BoundedBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private limit: number;
  dropped = 0;

  constructor(capacity: number) {
    this.limit = BoundedBuffer.checked(capacity);
  }

  get capacity(): number {
    return this.limit;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Changes the limit; returns the items dropped to fit a lower one (oldest first). */
  setCapacity(capacity: number): T[] {
    this.limit = BoundedBuffer.checked(capacity);
    return this.trim();
  }

  /** Appends an item; returns the old items dropped to make room (none, or the oldest one). */
  push(item: T): T[] {
    this.items.push(item);
    return this.trim();
  }

  /** Removes and returns up to `n` items from the front. */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    this.compact();
    return out;
  }

  /** Puts items back at the front (a failed send), keeping their order; returns what no longer fits (oldest first). */
  restore(batch: T[]): T[] {
    this.items = batch.concat(this.items.slice(this.head));
    this.head = 0;
    return this.trim();
  }

  private trim(): T[] {
    const excess = this.size - this.limit;
    if (excess <= 0) return [];
    const dropped = this.items.slice(this.head, this.head + excess);
    this.head += excess;
    this.dropped += excess;
    this.compact();
    return dropped;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private static checked(capacity: number): number {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    return capacity;
  }
}
