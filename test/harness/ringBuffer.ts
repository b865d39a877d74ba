/**
 * Bounded text buffer keeping the last N bytes of a server's stdout/stderr,
 * for error messages when a server misbehaves.
 */

export class RingBuffer {
  private chunks: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly capacity = 64 * 1024) {}

  /** Appends text, dropping the oldest text beyond the capacity. */
  push(text: string): void {
    if (text.length === 0) return;
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.capacity && this.chunks.length > 0) {
      const excess = this.size - this.capacity;
      const first = this.chunks[0];
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The retained text, prefixed with a note if older output was dropped. */
  text(): string {
    const body = this.chunks.join('');
    return this.dropped > 0 ? `[... ${this.dropped} earlier chars dropped ...]\n${body}` : body;
  }
}
