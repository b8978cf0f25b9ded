import type { LogBuffer, LogLine } from './log-buffer';

export interface LogFilter { stdout: boolean; stderr: boolean; search: string }

/**
 * The lines of a buffer a log view shows: all of them, or those of the chosen streams that
 * contain the search text. Kept up to date incrementally as lines arrive and old ones go.
 */
export class LogSelection {
  private seqs: number[] = [];
  private start = 0;
  private scanned: number;
  private readonly all: boolean;
  private readonly needle: string;

  constructor(private readonly buffer: LogBuffer, private readonly filter: LogFilter) {
    this.all = filter.stdout && filter.stderr && !filter.search;
    this.needle = filter.search.toLowerCase();
    this.scanned = buffer.first;
    this.refresh();
  }

  /** Takes in the lines that arrived since the last call and forgets the evicted ones. */
  refresh(): void {
    if (this.all) return;
    const first = this.buffer.first;
    for (let s = Math.max(this.scanned, first); s < this.buffer.end; s++) if (this.keeps(this.buffer.at(s)!)) this.seqs.push(s);
    this.scanned = this.buffer.end;
    while (this.start < this.seqs.length && this.seqs[this.start]! < first) this.start++;
    if (this.start > 4096 && this.start > this.seqs.length / 2) {
      this.seqs = this.seqs.slice(this.start);
      this.start = 0;
    }
  }

  get length(): number {
    return this.all ? this.buffer.size : this.seqs.length - this.start;
  }

  lineAt(i: number): LogLine | undefined {
    return this.buffer.at(this.all ? this.buffer.first + i : this.seqs[this.start + i]!);
  }

  private keeps(l: LogLine): boolean {
    if (l.stream === 'gap') return !this.needle;
    if (!this.filter[l.stream]) return false;
    return !this.needle || l.text.toLowerCase().includes(this.needle);
  }
}
