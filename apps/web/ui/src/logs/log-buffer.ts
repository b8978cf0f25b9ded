export type LogStream = 'stdout' | 'stderr' | 'gap';

export interface LogLine { seq: number; stream: LogStream; text: string; time?: string | undefined }

/**
 * A container's log lines in memory, at most `capacity` of them (a ring: the oldest go first).
 * Every line keeps a sequence number, so views over the buffer survive eviction.
 */
export class LogBuffer {
  private readonly ring: (LogLine | undefined)[];
  private head = 0;
  private next = 0;
  /** Lines pushed out by newer ones. */
  evicted = 0;

  constructor(readonly capacity = 100_000) {
    this.ring = new Array(capacity);
  }

  push(stream: LogStream, text: string, time?: string): void {
    this.ring[this.next % this.capacity] = { seq: this.next, stream, text, time };
    this.next++;
    if (this.next - this.head > this.capacity) {
      this.head = this.next - this.capacity;
      this.evicted++;
    }
  }

  /** The sequence number of the oldest line held. */
  get first(): number {
    return this.head;
  }

  /** One past the newest line's sequence number. */
  get end(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.head;
  }

  at(seq: number): LogLine | undefined {
    return seq >= this.head && seq < this.next ? this.ring[seq % this.capacity] : undefined;
  }

  clear(): void {
    this.head = this.next;
  }
}
